/** What a protocol writer hands back to the server: status, headers and body bytes. */
export interface WireResponse {
  status: number;
  /** A `content-length` set here wins over the body's length (HEAD answers carry no body). */
  headers: Record<string, string>;
  body: string | Buffer;
}
