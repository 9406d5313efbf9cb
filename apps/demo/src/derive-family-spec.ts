// A family's panel, derived from the options the family package describes (its `./options`
// entry, which loads no TensorFlow.js): each option's control, label, help, default, choices
// and slider range come from its `OptionSpec`, and the values linked to a choice from its
// default functions. The page says only what is its own: which options it leaves out, where
// its starting values differ from the library's, and the controls it draws its own way.

import type {
  AutoencoderFamilyDescription,
  JsonValue,
  OptionSpec,
  ResolvedSoFar,
} from '@aekit/core/options';
import type { FamilySpec, ParameterSpec, ViewName } from './families';
import type { ParameterValues } from './protocol';

/**
 * Controls the page draws its own way for one option (one hidden width for `hiddenDims`, a
 * check box for a conditional VAE's `conditional`), built from the option's spec.
 */
export interface MappedControls {
  readonly parameters: readonly ParameterSpec[];
  /** The controls' values for the option's value in a saved configuration. */
  readonly fromConfig: (value: unknown) => ParameterValues;
}

export interface PageOwnedParts {
  /** One paragraph for the page: the idea and the loss, as the lecture puts it. */
  readonly lecture: string;
  /**
   * Options the panel leaves out: set by the page (`inputDim` from the data, `seed` from the
   * training settings) or kept at the family's default. Every other option gets a control, so
   * an option added to the family appears without an edit here.
   */
  readonly leftOut: readonly string[];
  /** Options drawn with the page's own controls, by option name. */
  readonly mapped?: Readonly<Record<string, (spec: OptionSpec) => MappedControls>>;
  /**
   * Starting values where the page intentionally differs from the family's default, by
   * control name (an option's name, or a mapped control's), e.g. `{ latentDim: 2 }`.
   */
  readonly starting?: ParameterValues;
  readonly notes?: Partial<Record<ViewName, string>>;
}

/** The control of an option drawn as the panel draws options: by its kind. */
function parameterFor(
  family: string,
  name: string,
  spec: OptionSpec,
  value: JsonValue | undefined,
): ParameterSpec {
  const label = spec.label ?? name;
  const { help } = spec;
  if (value === undefined || value === null) {
    throw new Error(
      `The demo: option '${name}' of family '${family}' has no default; give it a starting value.`,
    );
  }
  switch (spec.kind) {
    case 'integer':
    case 'number': {
      // A slider needs bounds; an option meant for one says which (`suggested`).
      const range = spec.suggested ?? {
        min: spec.range?.min ?? Number.MIN_SAFE_INTEGER,
        max: spec.range?.max ?? Number.MAX_SAFE_INTEGER,
        step: spec.kind === 'integer' ? 1 : 0.001,
      };
      return { kind: spec.kind, name, label, help, ...range, default: Number(value) };
    }
    case 'choice':
      return {
        kind: 'choice',
        name,
        label,
        help,
        options: spec.values.map((choice) => ({
          value: choice,
          label: spec.labels?.[choice] ?? choice,
        })),
        default: String(value),
      };
    case 'boolean':
      return { kind: 'boolean', name, label, help, default: value === true };
    default:
      throw new Error(
        `The demo has no control for option '${name}' of family '${family}' (a ${spec.kind}): map it to controls of its own or leave it out.`,
      );
  }
}

/** An option's value as a panel value. */
function panelValue(value: unknown): number | boolean | string {
  return typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string'
    ? value
    : JSON.stringify(value);
}

/** A panel value read back as the option's value (a number input gives text). */
function optionValue(spec: OptionSpec, value: number | boolean | string): JsonValue {
  return spec.kind === 'integer' || spec.kind === 'number' ? Number(value) : value;
}

/**
 * The default of `spec` given the values before it, and the names of those it depends on: a
 * default function reads them from its argument, so reading them is depending on them.
 */
function defaultAndInputs(
  spec: OptionSpec,
  soFar: ResolvedSoFar,
): { value: JsonValue | undefined; inputs: ReadonlySet<string> } {
  const inputs = new Set<string>();
  const { default: given } = spec;
  if (typeof given !== 'function') return { value: given, inputs };
  const tracked = new Proxy(soFar, {
    get(target, key) {
      if (typeof key === 'string') inputs.add(key);
      return Reflect.get(target, key);
    },
  });
  return { value: given(tracked), inputs };
}

/** The panel of `family`: every option that is neither left out nor mapped, by its spec. */
export function deriveFamilySpec(
  family: AutoencoderFamilyDescription,
  page: PageOwnedParts,
): FamilySpec {
  const options = Object.entries(family.options);
  const starting = page.starting ?? {};
  const shown = (name: string) => !page.leftOut.includes(name);
  const mapped = new Map<string, MappedControls>();
  const parameters: ParameterSpec[] = [];
  // Every option's starting value, in schema order: a default may depend on the options before it.
  const startingValues: Record<string, JsonValue> = {};
  for (const [name, spec] of options) {
    const given = starting[name];
    const value = given ?? defaultAndInputs(spec, startingValues).value;
    if (value !== undefined) startingValues[name] = value;
    if (!shown(name)) continue;
    const map = page.mapped?.[name];
    if (map === undefined) {
      parameters.push(parameterFor(family.name, name, spec, value));
      continue;
    }
    const controls = map(spec);
    mapped.set(name, controls);
    for (const parameter of controls.parameters) {
      const override = starting[parameter.name];
      parameters.push(
        override === undefined ? parameter : ({ ...parameter, default: override } as ParameterSpec),
      );
    }
  }
  return {
    name: family.name,
    title: family.title,
    summary: page.lecture,
    parameters,
    ...(page.notes === undefined ? {} : { notes: page.notes }),
    fromConfig(config) {
      const values: Record<string, number | boolean | string> = {};
      for (const [name] of options) {
        if (!shown(name)) continue;
        const controls = mapped.get(name);
        if (controls !== undefined) Object.assign(values, controls.fromConfig(config[name]));
        else values[name] = panelValue(config[name] ?? startingValues[name]);
      }
      return values;
    },
    linked(changed, values) {
      const linked: Record<string, number | boolean | string> = {};
      const soFar: Record<string, JsonValue> = {};
      for (const [name, spec] of options) {
        const panel = values[name];
        if (shown(name) && !mapped.has(name) && name !== changed) {
          const { value, inputs } = defaultAndInputs(spec, soFar);
          if (inputs.has(changed) && value !== undefined) linked[name] = panelValue(value);
        }
        const current =
          linked[name] ?? (panel === undefined || mapped.has(name) ? undefined : panel);
        const value = current === undefined ? startingValues[name] : optionValue(spec, current);
        if (value !== undefined) soFar[name] = value;
      }
      return linked;
    },
  };
}
