// The comparison switches come from their own entry point, built as a bundle of its own, and
// still switch what the main entry starts: the state is one per process.

import * as main from '@aekit/runtime-wasm';
import {
  setSharedIdentityPatch,
  setSimdKernels,
  setTransposedMatMulPatch,
} from '@aekit/runtime-wasm/internal';

await main.initBackend({ backend: 'wasm' });
const on = main.runtimeInfo();
setTransposedMatMulPatch(false);
setSharedIdentityPatch(false);
setSimdKernels(false);
const off = main.runtimeInfo();
const pick = (info) => ({
  transposedMatMulPatch: info.transposedMatMulPatch,
  sharedIdentityPatch: info.sharedIdentityPatch,
  simdKernels: info.simdKernels,
});
console.log(
  JSON.stringify({ on: pick(on), off: pick(off), mainHasSwitch: 'setSimdKernels' in main }),
);
