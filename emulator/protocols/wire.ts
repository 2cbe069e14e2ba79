/** What a protocol writer hands back to the server: status, headers and body bytes. */
export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}
