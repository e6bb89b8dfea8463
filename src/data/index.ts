/** Data loading and preparation: idx/MNIST and delimited-text loaders, and matrix transforms. */
export { parseIdx, readIdx, type Idx } from './idx.js';
export { loadMnist, type MnistSet, type MnistOptions } from './mnist.js';
export { parseDelimited, loadDelimited, DelimitedReader, type Delimited, type DelimitedOptions } from './delimited.js';
export { readBytes, type ByteSource } from './source.js';
export { parseSvmlight, type SvmlightData, type SvmlightOptions } from './svmlight.js';
export {
  selectClasses,
  scaleToUnit,
  mnistMatrix,
  oneHot,
  Standardizer,
  selectRows,
  trainTestSplit,
} from './transform.js';
