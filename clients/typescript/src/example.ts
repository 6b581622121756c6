// Copy-paste usage for the app: log in by SMS code, find events, ask to join, pay, show the ticket.
import { createApiClient, type Problem } from "./index";

let accessToken: string | undefined;
const api = createApiClient("http://127.0.0.1:9000", () => accessToken);

export async function logIn(phone: string, readCode: () => Promise<string>) {
  const sent = await api.POST("/v1/auth/otp", { body: { phone_number: phone } });
  if (sent.error) throw new Error(`${sent.error.code}: ${sent.error.detail ?? ""}`);
  const code = await readCode();
  const login = await api.POST("/v1/auth/otp/verify", { body: { phone_number: phone, code } });
  if (login.error) throw new Error(login.error.code);
  accessToken = login.data.access_token;
  return login.data.user.is_new_user;
}

export async function joinFirstPicnic(): Promise<string | undefined> {
  const feed = await api.GET("/v1/events", { params: { query: { mood: "picnic", limit: 10 } } });
  const event = feed.data?.items[0];
  if (!event) return undefined;
  const request = await api.POST("/v1/events/{event_id}/requests", {
    params: { path: { event_id: event.event_id } },
    body: { message: "Count me in!", seats_requested: 1 },
  });
  if (request.error) {
    const problem: Problem = request.error;
    // Stable codes drive the UI: already_requested, event_closed, gender_not_allowed, …
    return problem.code;
  }
  return request.data.status;
}

export async function payForHold(reservationKey: string) {
  const order = await api.POST("/v1/payments/orders", {
    params: { header: { "Idempotency-Key": crypto.randomUUID() } },
    body: { reservation_key: reservationKey },
  });
  if (order.error) throw new Error(order.error.code);
  // Open Razorpay checkout with order.data.checkout, then verify what it returns:
  const paid = await api.POST("/v1/payments/orders/{order_id}/verify", {
    params: { path: { order_id: order.data.order_id } },
    body: { provider_payment_id: "pay_…", provider_signature: "…" },
  });
  return paid.data?.ticket_code;
}

export async function unreadCount() {
  const page = await api.GET("/v1/me/notifications", { params: { query: { unread: true } } });
  return page.data?.unread_count ?? 0;
}
