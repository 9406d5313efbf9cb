const maxItems = 8;
const maxStringLength = 80;

/**
 * Renders a value for an error message, short and unambiguous: strings quoted, arrays and
 * typed arrays abbreviated after a few items, tensors by dtype and shape, NaN and ±Infinity as
 * themselves.
 */
export function formatValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') {
    const shown = value.length > maxStringLength ? `${value.slice(0, maxStringLength)}…` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === 'number') {
    if (Object.is(value, -0)) return '-0';
    return String(value);
  }
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'boolean' || typeof value === 'symbol') return String(value);
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  if (isTensorLike(value)) return `a ${value.dtype} tensor of shape [${value.shape.join(', ')}]`;
  if (Array.isArray(value)) return formatList(value, '[', ']');
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const items = Array.from(value as unknown as ArrayLike<number>);
    return `${value.constructor.name}(${items.length}) ${formatList(items, '[', ']')}`;
  }
  try {
    const json = JSON.stringify(value);
    if (json === undefined) return Object.prototype.toString.call(value);
    return json.length > maxStringLength ? `${json.slice(0, maxStringLength)}…` : json;
  } catch {
    return Object.prototype.toString.call(value);
  }
}

function formatList(items: readonly unknown[], open: string, close: string): string {
  const shown = items.slice(0, maxItems).map(formatValue);
  if (items.length > maxItems) shown.push(`… ${items.length - maxItems} more`);
  return `${open}${shown.join(', ')}${close}`;
}

function isTensorLike(value: unknown): value is { dtype: string; shape: number[] } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { dtype?: unknown }).dtype === 'string' &&
    Array.isArray((value as { shape?: unknown }).shape) &&
    typeof (value as { dataSync?: unknown }).dataSync === 'function'
  );
}
