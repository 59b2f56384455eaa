export type SelectorKey = string
