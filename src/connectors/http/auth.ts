import type { AuthHooks, HttpRequest } from "./client.js";
import type { TokenSource } from "./tokens.js";

/** Sends the token from `tokens` in a header (default `Authorization: Bearer <token>`). */
export function headerAuth(
  tokens: TokenSource,
  header = "authorization",
  format: (token: string) => string = (t) => `Bearer ${t}`,
): AuthHooks {
  return {
    async apply(request: HttpRequest): Promise<HttpRequest> {
      const token = await tokens.token();
      return { ...request, headers: { ...request.headers, [header]: format(token) } };
    },
    refresh: () => tokens.refresh(),
  };
}
