/**
 * Text pushed in pieces of any size, cut into lines. Files end their lines with LF (Unix), CRLF
 * (Windows) or a lone CR (classic Mac OS, and what some spreadsheets still export); the first line
 * break decides which, so that a stray CR inside a cell of an LF file is text, not a break, and line
 * numbers agree with what an editor shows. A line's terminator is not part of it (for CRLF files
 * the CR is left on the line, where the field splitter drops it).
 *
 * The text after the last line break is held until more comes; its length is `pendingLength`, so
 * that the caller can refuse a "line" that never ends before it fills the memory.
 */
export class LineSplitter {
  private pending = '';
  /** '\n' once the first line break was LF or CRLF, '\r' once it was a lone CR; null before. */
  private terminator: '\n' | '\r' | null = null;

  constructor(private readonly onLine: (line: string) => void) {}

  /** The length of the partial line held back (the text since the last line break). */
  get pendingLength(): number {
    return this.pending.length;
  }

  /** Calls onLine for every line that `text` completes; a partial last line waits for more. */
  push(text: string): void {
    if (this.terminator === null && !this.decide(text)) {
      this.pending += text;
      return;
    }
    const t = this.terminator!;
    // A CR held back (undecided until now) ends a line of a CR file here.
    if (t === '\r' && this.pending.endsWith('\r')) {
      const line = this.pending.slice(0, -1);
      this.pending = '';
      this.onLine(line);
    }
    // Only the new text is searched, so a long line arriving in many pieces costs no rescans.
    let end = text.indexOf(t);
    if (end < 0) {
      this.pending += text;
      return;
    }
    const first = this.pending + text.slice(0, end);
    this.pending = '';
    this.onLine(first);
    let start = end + 1;
    for (end = text.indexOf(t, start); end >= 0; end = text.indexOf(t, start)) {
      this.onLine(text.slice(start, end));
      start = end + 1;
    }
    this.pending = text.slice(start);
  }

  /** The last line (which needs no line break), if any text is left; then nothing is held. */
  end(): string | null {
    const rest = this.pending;
    this.pending = '';
    // A file that ends in CR before anything told CR from CRLF: that CR ends the last line.
    if (this.terminator === null && rest.endsWith('\r')) return rest.slice(0, -1);
    return rest === '' ? null : rest;
  }

  /**
   * Settles the line terminator from the first line break, in `text` or a CR held at the end of
   * the pending text (which holds no other break while undecided); false while undecided.
   */
  private decide(text: string): boolean {
    if (text === '') return false;
    if (this.pending.endsWith('\r')) {
      this.terminator = text[0] === '\n' ? '\n' : '\r';
      return true;
    }
    const lf = text.indexOf('\n');
    const cr = text.indexOf('\r');
    if (lf < 0 && cr < 0) return false;
    if (cr < 0 || (lf >= 0 && lf < cr)) this.terminator = '\n';
    // A CR at the very end may be the first half of a CRLF: wait for the next piece.
    else if (cr === text.length - 1) return false;
    else this.terminator = text[cr + 1] === '\n' ? '\n' : '\r';
    return true;
  }
}
