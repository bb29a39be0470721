export class XmlDecodeError extends Error {
  override readonly name = 'XmlDecodeError';
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: number,
    /** JSON Pointer of the field whose element holds the fault, when it is inside one. */
    readonly pointer?: string,
  ) {
    super(line === undefined ? message : `${message} (line ${line}, column ${column})`);
  }
}

export class XmlEncodeError extends Error {
  override readonly name = 'XmlEncodeError';
  constructor(
    message: string,
    /** JSON Pointer of the value that has no XML form. */
    readonly pointer: string,
  ) {
    super(`${pointer || '/'}: ${message}`);
  }
}
