/**
 * A NaN inside a network gives NaN outputs, whatever the batch size and backend (issue 14). The
 * wasm ReLU used to keep a NaN in its vector body and map it to 0 in its scalar tail, as the
 * TypeScript kernels did everywhere: the same sample predicted a number alone and NaN in a batch
 * of three, or the other way round.
 */
import { expect, it } from 'vitest';
import { ANN, type BackendName } from '../src/index.js';
import { internalsOf } from '../src/ann.js';

for (const backend of ['wasm', 'js'] as BackendName[])
  for (const activation of ['relu', 'leakyRelu'] as const)
    it(`${backend} ${activation}: a NaN bias in the hidden layer makes every prediction NaN, alone or in a batch`, async () => {
      // Five hidden units: unit 4 of a single sample is in the kernels' scalar tail (5 values),
      // and in a batch of three it is value 4 (vector body) for the first sample, 14 (tail) for the last.
      for (const unit of [0, 4]) {
        const net = await ANN.create({ layers: [2, 5, 1], activation, seed: 3, backend });
        const network = internalsOf(net).network();
        // setWeights refuses a NaN, so it is written straight into b1.
        network.kernels.view(network.parameters[1].value)[unit] = Number.NaN;
        const x = [0.5, -0.25];
        const alone = Array.from(net.predict([x]).data);
        const batch = Array.from(net.predict([x, x, x]).data);
        expect([...alone, ...batch].every(Number.isNaN), `NaN in unit ${unit}: alone ${alone}, in a batch ${batch}`).toBe(true);
        net.dispose();
      }
    });
