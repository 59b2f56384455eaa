// What a JSON document can carry of Sim's own types: every key whose value is not a
// function (a block's `icon`, a tool's `request` callbacks), enums as their string values,
// `any` as Sim wrote it.
import type { AuthMode, BlockConfig, IntegrationType } from '@/blocks/types'
import type { ToolConfig } from '@/tools/types'

type Json<T> = 0 extends 1 & T
  ? T // `any` stays `any`, as Sim wrote it
  : T extends (...args: never[]) => unknown
  ? never
  : T extends AuthMode
    ? `${AuthMode}`
    : T extends IntegrationType
      ? `${IntegrationType}`
      : T extends ReadonlyArray<infer U>
        ? Array<Json<U>>
        : T extends object
          ? { [K in keyof T as [Json<T[K]>] extends [never] ? never : K]: Json<T[K]> }
          : T

/** A Sim block as JSON: a host supplies the icon (named in the plugin's extras). */
export type JsonBlock = Json<Omit<BlockConfig, 'icon'>>
/**
 * A Sim tool as JSON: its data keys, as Sim declares them. The rest are callbacks
 * (`transformResponse`, `postProcess`, `directExecution`) or configs whose required members
 * are callbacks (`request`, `schemaEnrichment`, `toolEnrichment`, `hosting`): the plugin's
 * hook makes the requests.
 */
export type JsonTool = Pick<
  ToolConfig,
  'id' | 'name' | 'description' | 'version' | 'params' | 'outputs' | 'oauth' | 'errorExtractor'
>
/** The `sim` export: a block, its tools, and the plugin's own extras under one key. */
export interface SimExport {
  block: JsonBlock
  tools: JsonTool[]
  'x-sim-intercom': Record<string, unknown>
}
