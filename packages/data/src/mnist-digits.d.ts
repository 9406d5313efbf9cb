// The mnist package's digit files, which the browser build imports. TypeScript would parse
// all 21 MB of their JSON to type them (2 GB of memory, half a minute); with
// resolveJsonModule off in this package it takes this declaration instead.
declare module 'mnist/src/digits/*.json' {
  const digit: { readonly data: readonly number[] };
  export default digit;
}
