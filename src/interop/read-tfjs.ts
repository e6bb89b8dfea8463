/**
 * ANN.fromTfjs's work before a network is made: model.json and its weights got from what the
 * caller has (toTfjs()'s { modelJSON, weights }, the artifacts tf.io hands a save handler, or the
 * path or URL of model.json, whose weight files are then read from beside it), read as a network,
 * and the creation options checked. Errors start with `where` and, for a file, its name.
 */
import type { CreateOptions } from '../core/architecture.js';
import type { Standardizer } from '../data/transform.js';
import { describeSource, readBytes } from '../data/source.js';
import { describe } from '../io/describe.js';
import { checkImportOptions, createOptionsOf, type ImportOptions } from './import-options.js';
import type { ImportedNetwork } from './portable-network.js';
import type { TfjsModelJSON } from './tfjs-export.js';
import { tfjsToNetwork } from './tfjs-import.js';

type Bytes = ArrayBuffer | Uint8Array;

/** What ANN.fromTfjs reads. */
export type TfjsSource =
  /** The path (Node) or URL of model.json; the weight files its manifest names are read from the same folder. */
  | string
  | URL
  /** model.json (object or text) and the weights file's bytes (or each file's, in manifest order): what toTfjs() returns. */
  | { modelJSON: TfjsModelJSON | Record<string, unknown> | string; weights: Bytes | readonly Bytes[] }
  /** tf.io's ModelArtifacts, as a save handler (tf.io.withSaveHandler) receives them from model.save(). */
  | {
      modelTopology?: unknown;
      weightSpecs?: unknown;
      weightData?: Bytes | readonly Bytes[];
      userDefinedMetadata?: unknown;
      trainingConfig?: unknown;
    };

export async function readTfjs(
  source: TfjsSource,
  options: ImportOptions | null | undefined,
  where: string,
): Promise<{ network: ImportedNetwork; create: CreateOptions & { standardizer: Standardizer | null } }> {
  const checked = checkImportOptions(options, [], where);
  let json: unknown;
  let data: Uint8Array;
  let named = where;
  if (typeof source === 'string' || source instanceof URL) {
    named = `${where}: ${describeSource(source)}`;
    const text = new TextDecoder().decode(await read(source, where));
    json = parse(text, named);
    data = concat(await Promise.all(weightPaths(json, named).map((p) => read(beside(source, p), where))));
  } else if (source !== null && typeof source === 'object' && 'modelJSON' in source) {
    json = typeof source.modelJSON === 'string' ? parse(source.modelJSON, named) : source.modelJSON;
    data = bytesOf(source.weights, `${where}: weights`);
  } else if (source !== null && typeof source === 'object' && 'modelTopology' in source) {
    const { modelTopology, weightSpecs, weightData, userDefinedMetadata, trainingConfig } = source;
    json = { modelTopology, weightsManifest: [{ paths: [], weights: weightSpecs }], userDefinedMetadata, trainingConfig };
    data = bytesOf(weightData, `${where}: weightData`);
  } else {
    throw new TypeError(
      `${where}: expected the path or URL of model.json, { modelJSON, weights } (as toTfjs() returns), or tf.io's { modelTopology, weightSpecs, weightData }, got ${describe(source)}`,
    );
  }
  const network = tfjsToNetwork(json, data, named, checked.loss !== undefined);
  return { network, create: createOptionsOf(network, checked, named) };
}

async function read(source: string | URL, where: string): Promise<Uint8Array> {
  try {
    return await readBytes(source);
  } catch (e) {
    throw new Error(`${where}: ${(e as Error).message}`, { cause: e });
  }
}

function parse(text: string, where: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new SyntaxError(`${where}: model.json is not valid JSON (${(e as Error).message})`);
  }
}

/** The weight files model.json's manifest names, in order. */
function weightPaths(json: unknown, where: string): string[] {
  const manifest = (json as { weightsManifest?: unknown })?.weightsManifest;
  if (!Array.isArray(manifest))
    throw new TypeError(`${where}: weightsManifest must be an array of { paths, weights }, got ${describe(manifest)}`);
  return manifest.flatMap((group: unknown, g: number) => {
    const paths = (group as { paths?: unknown })?.paths;
    if (!Array.isArray(paths) || !paths.every((p) => typeof p === 'string' && p !== '')) {
      throw new TypeError(`${where}: weightsManifest[${g}].paths must be an array of file names, got ${describe(paths)}`);
    }
    return paths as string[];
  });
}

/** The file `name` in the folder of model.json at `source`. */
function beside(source: string | URL, name: string): string | URL {
  if (source instanceof URL || /^[a-z][a-z0-9+.-]*:\/\//i.test(source)) return new URL(name, source);
  const cut = Math.max(source.lastIndexOf('/'), source.lastIndexOf('\\'));
  return source.slice(0, cut + 1) + name;
}

function bytesOf(value: unknown, where: string): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (Array.isArray(value) && value.every((v) => v instanceof Uint8Array || v instanceof ArrayBuffer)) {
    return concat(value.map((v) => (v instanceof Uint8Array ? v : new Uint8Array(v))));
  }
  throw new TypeError(`${where} must be an ArrayBuffer or Uint8Array (or an array of them, one per weights file), got ${describe(value)}`);
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
