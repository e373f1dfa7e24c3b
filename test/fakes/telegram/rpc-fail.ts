/**
 * An RPC error the fake answers with (`rpc_error error_code error_message`);
 * gramjs turns it into its RPCError subclasses (FloodWaitError, ...).
 */
export class RpcFail extends Error {
  readonly code: number;
  readonly errorMessage: string;

  constructor(code: number, errorMessage: string) {
    super(`${code} ${errorMessage}`);
    this.code = code;
    this.errorMessage = errorMessage;
  }
}

export function fail(code: number, errorMessage: string): never {
  throw new RpcFail(code, errorMessage);
}
