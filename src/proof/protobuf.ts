/**
 * The little of Protocol Buffers that Hyperbee's blocks use (hyperbee 2 `schema.proto`, compiled
 * by protocol-buffers): a message is fields `varint(tag << 3 | wireType)` then the value, where
 * wire type 0 is a varint and 2 is `varint(length) ‖ bytes`. Unknown fields are skipped as the
 * generated decoder does (types 0, 1, 2, 5). Pure, and strict about truncated input.
 */

export class ProtobufFault extends Error {}

/** Varints above 2^53 cannot be Hypercore sequence numbers; they are refused, not rounded. */
const MAX_VARINT_BYTES = 8

export class ProtoReader {
  private pos = 0
  constructor (private readonly buf: Uint8Array) {}

  get done (): boolean { return this.pos >= this.buf.byteLength }

  varint (): number {
    let out = 0
    let scale = 1
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      if (this.pos >= this.buf.byteLength) throw new ProtobufFault('a varint runs past the end')
      const b = this.buf[this.pos++]
      out += (b & 0x7f) * scale
      if ((b & 0x80) === 0) {
        if (!Number.isSafeInteger(out)) throw new ProtobufFault('a varint is too large')
        return out
      }
      scale *= 128
    }
    throw new ProtobufFault('a varint is too long')
  }

  bytes (): Uint8Array {
    const len = this.varint()
    if (this.pos + len > this.buf.byteLength) throw new ProtobufFault('a length-delimited field runs past the end')
    const out = this.buf.subarray(this.pos, this.pos + len)
    this.pos += len
    return out
  }

  /** The next field's number and wire type. */
  field (): { tag: number, type: number } {
    const prefix = this.varint()
    return { tag: Math.floor(prefix / 8), type: prefix % 8 }
  }

  skip (type: number): void {
    if (type === 0) this.varint()
    else if (type === 2) this.bytes()
    else if (type === 1 || type === 5) {
      const n = type === 1 ? 8 : 4
      if (this.pos + n > this.buf.byteLength) throw new ProtobufFault('a fixed field runs past the end')
      this.pos += n
    } else throw new ProtobufFault(`wire type ${type} is not used by Hyperbee`)
  }

  /** A packed repeated varint field's values (proto2 `packed = true`). */
  packed (): number[] {
    const inner = new ProtoReader(this.bytes())
    const out: number[] = []
    while (!inner.done) out.push(inner.varint())
    return out
  }
}
