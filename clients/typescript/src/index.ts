// The typed client: every path, parameter, body and response of ../../openapi.json.
import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema";

export type { components, paths };
export type Problem = components["schemas"]["Problem"];

/** A client for `baseUrl` that sends the access token `getToken()` returns, when there is one. */
export function createApiClient(baseUrl: string, getToken: () => string | undefined) {
  const client = createClient<paths>({ baseUrl });
  const auth: Middleware = {
    onRequest({ request }) {
      const token = getToken();
      if (token) request.headers.set("Authorization", `Bearer ${token}`);
      return request;
    },
  };
  client.use(auth);
  return client;
}
