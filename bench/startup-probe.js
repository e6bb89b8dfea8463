/**
 * Start-up, measured in a fresh process (bench/startup.js runs it several times): from the
 * import of the package to the first prediction of a freshly created R1 network. Prints one JSON
 * line. performance.now() counts from the process's start, so `sinceProcessStart` adds Node's own
 * boot to the figure.
 */
const t0 = performance.now();
const lib = await import('../dist/index.js');
const t1 = performance.now();
const net = await lib.ANN.create({ layers: [784, 196, 1], activation: 'sigmoid', output: 'sigmoid', loss: 'binaryCrossEntropy', seed: 1 });
const t2 = performance.now();
const out = net.predict({ data: new Float32Array(784).fill(0.5), rows: 1, cols: 784 });
const t3 = performance.now();
if (!(out.data[0] > 0 && out.data[0] < 1)) throw new Error(`startup probe: the prediction ${out.data[0]} is not a probability`);
const build = lib.kernelBuild();
console.log(JSON.stringify({ build, importMs: t1 - t0, createMs: t2 - t1, predictMs: t3 - t2, totalMs: t3 - t0, sinceProcessStart: t3 }));
net.dispose();
