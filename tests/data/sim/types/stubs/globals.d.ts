// Node's Buffer, which Sim's tool types name for file data; no JSON document carries one.
type Buffer = Uint8Array
