export type MothershipResource = Record<string, unknown>
