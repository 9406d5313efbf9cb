// A few helpers over the DOM: the page is plain TypeScript, no framework.

type Child = Node | string | null | undefined | false;
type AttributeValue = string | number | boolean | null | undefined;

/**
 * Creates an element. Attributes set with `setAttribute` (true → empty, false/null/undefined →
 * absent); `on…` keys take event listeners; children are nodes or text.
 */
export function h<Tag extends keyof HTMLElementTagNameMap>(
  tag: Tag,
  attributes: Record<string, AttributeValue | EventListener> = {},
  ...children: Child[]
): HTMLElementTagNameMap[Tag] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else if (value === true) {
      element.setAttribute(name, '');
    } else if (value !== false && value !== null && value !== undefined) {
      element.setAttribute(name, String(value));
    }
  }
  element.append(...children.filter((child): child is Node | string => Boolean(child)));
  return element;
}

let lastId = 0;

/** A fresh id for labelling, `prefix-N`. */
export function uniqueId(prefix: string): string {
  lastId += 1;
  return `${prefix}-${lastId}`;
}

/**
 * A labelled form control with an optional help text (tied with aria-describedby). The
 * control gets an id unless it has one.
 */
export function field(
  label: string,
  control: HTMLInputElement | HTMLSelectElement,
  help?: string,
): HTMLElement {
  control.id ||= uniqueId('field');
  const wrapper = h('div', { class: 'field' });
  const labelElement = h('label', { for: control.id }, label);
  if (control instanceof HTMLInputElement && control.type === 'checkbox') {
    wrapper.classList.add('field-checkbox');
    wrapper.append(control, labelElement);
  } else {
    wrapper.append(labelElement, control);
  }
  if (help !== undefined) {
    const helpElement = h('p', { class: 'help', id: uniqueId('help') }, help);
    control.setAttribute('aria-describedby', helpElement.id);
    wrapper.append(helpElement);
  }
  return wrapper;
}

/** A `<select>` of `options` (value, label), with `selected` chosen. */
export function select(
  options: readonly { readonly value: string; readonly label: string }[],
  selected: string,
  attributes: Record<string, AttributeValue | EventListener> = {},
): HTMLSelectElement {
  return h(
    'select',
    attributes,
    ...options.map((option) =>
      h('option', { value: option.value, selected: option.value === selected }, option.label),
    ),
  );
}

/** The digits 0–9 as select options. */
export const digitOptions = Array.from({ length: 10 }, (_, digit) => ({
  value: String(digit),
  label: String(digit),
}));
