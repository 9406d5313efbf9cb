// The comparison switches from `@aekit/runtime-wasm/internal` in CommonJS (see the .mjs twin).
const main = require('@aekit/runtime-wasm');
const {
  setSharedIdentityPatch,
  setSimdKernels,
  setTransposedMatMulPatch,
} = require('@aekit/runtime-wasm/internal');

const pick = (info) => ({
  transposedMatMulPatch: info.transposedMatMulPatch,
  sharedIdentityPatch: info.sharedIdentityPatch,
  simdKernels: info.simdKernels,
});
main.initBackend({ backend: 'wasm' }).then(() => {
  const on = main.runtimeInfo();
  setTransposedMatMulPatch(false);
  setSharedIdentityPatch(false);
  setSimdKernels(false);
  const off = main.runtimeInfo();
  console.log(
    JSON.stringify({ on: pick(on), off: pick(off), mainHasSwitch: 'setSimdKernels' in main }),
  );
});
