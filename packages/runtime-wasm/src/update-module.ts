/**
 * A small WebAssembly module, assembled here byte by byte, that runs the element-wise optimiser
 * updates on the WASM backend's own memory with 128-bit SIMD (4 floats at a time, a scalar loop
 * for the last < 4 elements). It imports the backend's `WebAssembly.Memory`, so it reads and
 * writes tensors where they are, with no copy.
 *
 * Every function is written as the same sequence of float32 operations, in the same order, as
 * tfjs 4.22's optimiser (each WASM f32 operation is a correctly rounded IEEE-754 operation, as
 * are the backend's element-wise kernels), so a step computes the values tfjs's own kernels
 * would.
 */

import { name, section, unsignedLeb, vec } from './wasm-bytes';

/** The updates, by export name. Pointers are byte offsets into the memory, `n` an element count. */
export interface UpdateExports {
  /** out = (−η · g) + θ */
  sgd(theta: number, g: number, out: number, n: number, negLearningRate: number): void;
  /** a' = (μ · a) + g;  out = (−η · a') + θ */
  momentum(
    theta: number,
    g: number,
    a: number,
    outTheta: number,
    outA: number,
    n: number,
    mu: number,
    negLearningRate: number,
  ): void;
  /** a' = (μ · a) + g;  out = (−η · (g + a' · μ)) + θ */
  nesterov(
    theta: number,
    g: number,
    a: number,
    outTheta: number,
    outA: number,
    n: number,
    mu: number,
    negLearningRate: number,
  ): void;
  /**
   * m' = (m · β₁) + (g · (1 − β₁));  v' = (v · β₂) + ((g · g) · (1 − β₂));
   * out = (((m' / c₁) / (√(v' / c₂) + ε)) · −η) + θ, with c₁ = 1 − β₁ᵗ, c₂ = 1 − β₂ᵗ.
   */
  adam(
    theta: number,
    g: number,
    m: number,
    v: number,
    outTheta: number,
    outM: number,
    outV: number,
    n: number,
    beta1: number,
    oneMinusBeta1: number,
    beta2: number,
    oneMinusBeta2: number,
    correction1: number,
    correction2: number,
    epsilon: number,
    negLearningRate: number,
  ): void;
}

const I32 = 0x7f;
const F32 = 0x7d;
const V128 = 0x7b;

/** Opcodes, scalar and 4-lane. */
const op = {
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Const: 0x41,
  i32Add: 0x6a,
  i32And: 0x71,
  i32Shl: 0x74,
  i32GeU: 0x4f,
  block: 0x02,
  loop: 0x03,
  br: 0x0c,
  brIf: 0x0d,
  end: 0x0b,
  void: 0x40,
} as const;

type Lanes = 'f32' | 'f32x4';
type Binary = 'add' | 'mul' | 'div';

const scalar = { load: [0x2a], store: [0x38], add: [0x92], mul: [0x94], div: [0x95], sqrt: [0x91] };
// SIMD opcodes: the 0xfd prefix, then the opcode as unsigned LEB128.
const vector = {
  load: [0xfd, 0x00],
  store: [0xfd, 0x0b],
  splat: [0xfd, 0x13],
  sqrt: [0xfd, 0xe3, 0x01],
  add: [0xfd, 0xe4, 0x01],
  mul: [0xfd, 0xe6, 0x01],
  div: [0xfd, 0xe7, 0x01],
};

function signedLeb(value: number): number[] {
  const bytes: number[] = [];
  let rest = value | 0;
  for (;;) {
    const byte = rest & 0x7f;
    rest >>= 7;
    const done = (rest === 0 && (byte & 0x40) === 0) || (rest === -1 && (byte & 0x40) !== 0);
    bytes.push(done ? byte : byte | 0x80);
    if (done) return bytes;
  }
}

/** An expression over one element (or 4 lanes) of the update, evaluated onto the stack. */
type Expression =
  | { readonly kind: 'load'; readonly pointer: number }
  | { readonly kind: 'constant'; readonly parameter: number }
  | { readonly kind: 'temporary'; readonly index: number }
  | { readonly kind: 'binary'; readonly op: Binary; readonly a: Expression; readonly b: Expression }
  | { readonly kind: 'sqrt'; readonly a: Expression };

/** One step of the loop body: a temporary set, or a value stored at out pointer + offset. */
type Statement =
  | { readonly kind: 'set'; readonly index: number; readonly value: Expression }
  | { readonly kind: 'store'; readonly pointer: number; readonly value: Expression };

const load = (pointer: number): Expression => ({ kind: 'load', pointer });
const constant = (parameter: number): Expression => ({ kind: 'constant', parameter });
const temporary = (index: number): Expression => ({ kind: 'temporary', index });
const add = (a: Expression, b: Expression): Expression => ({ kind: 'binary', op: 'add', a, b });
const mul = (a: Expression, b: Expression): Expression => ({ kind: 'binary', op: 'mul', a, b });
const div = (a: Expression, b: Expression): Expression => ({ kind: 'binary', op: 'div', a, b });
const sqrt = (a: Expression): Expression => ({ kind: 'sqrt', a });

interface FunctionSpec {
  readonly name: keyof UpdateExports;
  /** Parameters: `pointers` i32 byte offsets, then `n` (i32), then `constants` f32. */
  readonly pointers: number;
  readonly constants: number;
  readonly temporaries: number;
  readonly body: readonly Statement[];
}

/**
 * Assembles one function. Locals after the parameters: the byte offset `i`, the byte count,
 * the end of the 4-lane part, one v128 splat per constant, then the temporaries, v128 and f32.
 */
function assemble(spec: FunctionSpec): { type: number[]; code: number[] } {
  const nParameter = spec.pointers;
  const firstConstant = spec.pointers + 1;
  const parameterCount = firstConstant + spec.constants;
  const offset = parameterCount;
  const bytes = parameterCount + 1;
  const end4 = parameterCount + 2;
  const firstSplat = parameterCount + 3;
  const firstVectorTemporary = firstSplat + spec.constants;
  const firstScalarTemporary = firstVectorTemporary + spec.temporaries;
  const type = [
    0x60,
    ...vec([
      ...Array.from({ length: spec.pointers + 1 }, () => [I32]),
      ...Array.from({ length: spec.constants }, () => [F32]),
    ]),
    ...vec([]),
  ];
  const locals = vec([
    [...unsignedLeb(3), I32],
    [...unsignedLeb(spec.constants + spec.temporaries), V128],
    [...unsignedLeb(spec.temporaries), F32],
  ]);
  const get = (index: number) => [op.localGet, ...unsignedLeb(index)];
  const set = (index: number) => [op.localSet, ...unsignedLeb(index)];
  const address = (pointer: number) => [...get(pointer), ...get(offset), op.i32Add];
  const emit = (expression: Expression, lanes: Lanes): number[] => {
    const table = lanes === 'f32' ? scalar : vector;
    // memarg: alignment hint 2^2 bytes, offset 0.
    const memory = [0x02, 0x00];
    switch (expression.kind) {
      case 'load':
        return [...address(expression.pointer), ...table.load, ...memory];
      case 'constant':
        return get(
          lanes === 'f32'
            ? firstConstant + expression.parameter
            : firstSplat + expression.parameter,
        );
      case 'temporary':
        return get(
          (lanes === 'f32' ? firstScalarTemporary : firstVectorTemporary) + expression.index,
        );
      case 'binary':
        return [
          ...emit(expression.a, lanes),
          ...emit(expression.b, lanes),
          ...table[expression.op],
        ];
      case 'sqrt':
        return [...emit(expression.a, lanes), ...table.sqrt];
    }
  };
  const body = (lanes: Lanes): number[] =>
    spec.body.flatMap((statement) => {
      if (statement.kind === 'set') {
        const base = lanes === 'f32' ? firstScalarTemporary : firstVectorTemporary;
        return [...emit(statement.value, lanes), ...set(base + statement.index)];
      }
      const table = lanes === 'f32' ? scalar : vector;
      return [
        ...address(statement.pointer),
        ...emit(statement.value, lanes),
        ...table.store,
        0x02,
        0x00,
      ];
    });
  /** while (i < limit) { body; i += step } */
  const loop = (limit: number, step: number, lanes: Lanes) => [
    op.block,
    op.void,
    op.loop,
    op.void,
    ...get(offset),
    ...get(limit),
    op.i32GeU,
    op.brIf,
    1,
    ...body(lanes),
    ...get(offset),
    op.i32Const,
    ...signedLeb(step),
    op.i32Add,
    ...set(offset),
    op.br,
    0,
    op.end,
    op.end,
  ];
  const instructions = [
    // bytes = n << 2; end4 = bytes & ~15; i = 0 (locals start at zero)
    ...get(nParameter),
    op.i32Const,
    ...signedLeb(2),
    op.i32Shl,
    ...set(bytes),
    ...get(bytes),
    op.i32Const,
    ...signedLeb(~15),
    op.i32And,
    ...set(end4),
    ...Array.from({ length: spec.constants }, (_, index) => [
      ...get(firstConstant + index),
      ...vector.splat,
      ...set(firstSplat + index),
    ]).flat(),
    ...loop(end4, 16, 'f32x4'),
    ...loop(bytes, 4, 'f32'),
    op.end,
  ];
  const functionBody = [...locals, ...instructions];
  return { type, code: [...unsignedLeb(functionBody.length), ...functionBody] };
}

// Pointer parameters by position in each function.
const sgd: FunctionSpec = {
  name: 'sgd',
  pointers: 3, // theta, g, out
  constants: 1, // −η
  temporaries: 0,
  body: [{ kind: 'store', pointer: 2, value: add(mul(constant(0), load(1)), load(0)) }],
};

const momentumBody = (nesterov: boolean): Statement[] => [
  // a' = (μ · a) + g
  { kind: 'set', index: 0, value: add(mul(constant(0), load(2)), load(1)) },
  { kind: 'store', pointer: 4, value: temporary(0) },
  {
    kind: 'store',
    pointer: 3,
    value: add(
      mul(constant(1), nesterov ? add(load(1), mul(temporary(0), constant(0))) : temporary(0)),
      load(0),
    ),
  },
];

const momentum: FunctionSpec = {
  name: 'momentum',
  pointers: 5, // theta, g, a, outTheta, outA
  constants: 2, // μ, −η
  temporaries: 1,
  body: momentumBody(false),
};

const nesterov: FunctionSpec = { ...momentum, name: 'nesterov', body: momentumBody(true) };

const adam: FunctionSpec = {
  name: 'adam',
  pointers: 7, // theta, g, m, v, outTheta, outM, outV
  // β₁, 1 − β₁, β₂, 1 − β₂, c₁, c₂, ε, −η
  constants: 8,
  temporaries: 3, // g, m', v'
  body: [
    { kind: 'set', index: 0, value: load(1) },
    {
      kind: 'set',
      index: 1,
      value: add(mul(load(2), constant(0)), mul(temporary(0), constant(1))),
    },
    {
      kind: 'set',
      index: 2,
      value: add(mul(load(3), constant(2)), mul(mul(temporary(0), temporary(0)), constant(3))),
    },
    { kind: 'store', pointer: 5, value: temporary(1) },
    { kind: 'store', pointer: 6, value: temporary(2) },
    {
      kind: 'store',
      pointer: 4,
      value: add(
        mul(
          div(
            div(temporary(1), constant(4)),
            add(sqrt(div(temporary(2), constant(5))), constant(6)),
          ),
          constant(7),
        ),
        load(0),
      ),
    },
  ],
};

const functions = [sgd, momentum, nesterov, adam];

/** The module's bytes, importing `env.memory` (shared when the backend's memory is). */
export function updateModuleBytes(sharedMemory: boolean): Uint8Array<ArrayBuffer> {
  const assembled = functions.map(assemble);
  const memoryLimits = sharedMemory
    ? [0x03, ...unsignedLeb(1), ...unsignedLeb(65536)]
    : [0x00, ...unsignedLeb(1)];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec(assembled.map((item) => item.type))),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, ...memoryLimits]])),
    ...section(3, vec(functions.map((_, index) => unsignedLeb(index)))),
    ...section(
      7,
      vec(functions.map((spec, index) => [...name(spec.name), 0x00, ...unsignedLeb(index)])),
    ),
    ...section(10, vec(assembled.map((item) => item.code))),
  ]);
}

const instances = new WeakMap<WebAssembly.Memory, UpdateExports | null>();

/**
 * The update functions bound to `memory`, or `null` where WebAssembly SIMD is not available
 * (the caller then loops in JavaScript). One instance per memory, made on first use.
 */
export function updateFunctions(memory: WebAssembly.Memory): UpdateExports | null {
  let exports = instances.get(memory);
  if (exports === undefined) {
    const shared =
      typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const bytes = updateModuleBytes(shared);
    exports = WebAssembly.validate(bytes)
      ? (new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } })
          .exports as unknown as UpdateExports)
      : null;
    instances.set(memory, exports);
  }
  return exports;
}
