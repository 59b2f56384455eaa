// Stand-ins for the React types Sim's block types name; no JSON document can carry a
// component, so their detail does not matter to the check.
export type ComponentType<P = object> = (props: P) => unknown
export type SVGProps<T> = Record<string, unknown> & { ref?: T }
export namespace JSX {
  type Element = unknown
}
declare global {
  namespace React {
    type ComponentType<P = object> = (props: P) => unknown
  }
}
