/**
 * Reads LevelDB's files byte for byte as an attacker with a copy of the data folder would: a table
 * (.ldb) is a run of blocks, most Snappy-compressed, so a plain byte search misses compressible
 * text such as emails; this expands every block. Formats: LevelDB doc/table_format.md and
 * google/snappy format_description.txt. Log files (.log) are stored uncompressed.
 */

function varint(bytes: Uint8Array, at: number): [value: number, next: number] {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[at++];
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return [value, at];
    shift += 7;
  }
}

/** Snappy raw format: a varint length, then literals and back-references. */
export function snappyDecompress(input: Uint8Array): Buffer {
  const [length, start] = varint(input, 0);
  const out = Buffer.alloc(length);
  let at = start;
  let written = 0;
  while (at < input.length) {
    const tag = input[at++];
    const kind = tag & 3;
    if (kind === 0) {
      let size = (tag >> 2) + 1;
      if (size > 60) {
        const extra = size - 60;
        size = 0;
        for (let i = 0; i < extra; i++) size |= input[at + i] << (8 * i);
        size += 1;
        at += extra;
      }
      out.set(input.subarray(at, at + size), written);
      written += size;
      at += size;
      continue;
    }
    let size: number;
    let offset: number;
    if (kind === 1) {
      size = ((tag >> 2) & 7) + 4;
      offset = ((tag >> 5) << 8) | input[at++];
    } else if (kind === 2) {
      size = (tag >> 2) + 1;
      offset = input[at] | (input[at + 1] << 8);
      at += 2;
    } else {
      size = (tag >> 2) + 1;
      offset = (input[at] | (input[at + 1] << 8) | (input[at + 2] << 16) | (input[at + 3] << 24)) >>> 0;
      at += 4;
    }
    for (let i = 0; i < size; i++) out[written + i] = out[written - offset + i];
    written += size;
  }
  return out;
}

/** A block at a handle, expanded when compressed (its trailer's type byte says). */
function readBlock(file: Buffer, offset: number, size: number): Buffer {
  const contents = file.subarray(offset, offset + size);
  return file[offset + size] === 1 ? snappyDecompress(contents) : Buffer.from(contents);
}

/** The block handles an index block lists (each entry's value is a handle: offset, size). */
function blockHandles(index: Buffer): Array<[number, number]> {
  const restarts = index.readUInt32LE(index.length - 4);
  const end = index.length - 4 - 4 * restarts;
  const handles: Array<[number, number]> = [];
  let at = 0;
  while (at < end) {
    let shared: number, unshared: number, valueLength: number;
    [shared, at] = varint(index, at);
    [unshared, at] = varint(index, at);
    [valueLength, at] = varint(index, at);
    void shared;
    at += unshared;
    const [offset, next] = varint(index, at);
    const [size] = varint(index, next);
    handles.push([offset, size]);
    at += valueLength;
  }
  return handles;
}

/** Every byte a table file holds, with its data blocks expanded (raw bytes kept too). */
export function expandTable(file: Buffer): Buffer {
  const footer = file.subarray(file.length - 48);
  let at = 0;
  let metaOffset: number, metaSize: number, indexOffset: number, indexSize: number;
  [metaOffset, at] = varint(footer, at);
  [metaSize, at] = varint(footer, at);
  [indexOffset, at] = varint(footer, at);
  [indexSize] = varint(footer, at);
  const parts = [file, readBlock(file, metaOffset, metaSize)];
  const index = readBlock(file, indexOffset, indexSize);
  parts.push(index);
  for (const [offset, size] of blockHandles(index)) parts.push(readBlock(file, offset, size));
  return Buffer.concat(parts);
}
