// Conversations: the pairs of numbers from GET /_smsvoice/conversations, one thread from
// GET /_smsvoice/conversations?number=&handset= shown as the handset's phone shows it, and a reply
// as the handset through POST /_smsvoice/inbound.
"use strict";

(() => {
  const { api, query, watch, el, shortTime, price, statusBadge, showProblem, UI } = Smsvoice;
  const threadsList = document.getElementById("threads");
  const bubbles = document.getElementById("bubbles");
  const title = document.getElementById("thread-title");
  const reply = document.getElementById("reply");
  const replyBody = document.getElementById("reply-body");
  const replyResult = document.getElementById("reply-result");
  const filter = document.getElementById("thread-filter");
  const url = new URL(window.location.href);
  const chosen = {
    number: url.searchParams.get("number"),
    handset: url.searchParams.get("handset"),
    account: url.searchParams.get("account"),
  };
  // The list's own account filter: `in` beside a chosen thread, else `account`.
  filter.elements.account.value = (chosen.number ? url.searchParams.get("in") : chosen.account) || "";

  const threadHref = (thread) =>
    `${UI}/conversations${query({ number: thread.number, handset: thread.handset, account: thread.account, in: filter.elements.account.value })}`;

  function renderThreads(threads) {
    threadsList.replaceChildren(
      ...threads.map((thread) => {
        const current = thread.number === chosen.number && thread.handset === chosen.handset && (!chosen.account || thread.account === chosen.account);
        return el(
          "li",
          {},
          el(
            "a",
            { href: threadHref(thread), "aria-current": current ? "page" : null, class: "thread-link" },
            el("span", { class: "who" }, `${thread.handset} ⇄ ${thread.number}`),
            el("span", { class: "body" }, `${thread.last_direction === "inbound" ? "↩ " : ""}${thread.last_body || ""}`),
            el("span", { class: "meta" }, el("span", { class: "account" }, `${thread.account} · ${thread.region}`), el("span", {}, `${thread.count} msg`), el("time", {}, shortTime(thread.last_at))),
          ),
        );
      }),
    );
    if (!threads.length) threadsList.replaceChildren(el("li", { class: "hint" }, "No conversations yet: send a message from one of your numbers."));
  }

  function bubble(message) {
    // The handset's view: what it sent on the right, what it received on the left.
    const fromHandset = message.direction === "inbound";
    const at = fromHandset ? message.received_at : message.requested_at;
    const details = fromHandset
      ? [message.keyword ? `keyword ${message.keyword}` : null, message.action && message.action !== "NONE" ? message.action : null]
      : [message.encoding, `${message.parts} part${message.parts === 1 ? "" : "s"}`, price(message.price)];
    return el(
      "li",
      { class: `bubble ${fromHandset ? "mine" : "theirs"}`, dataset: { id: message.message_id } },
      el("p", { class: "text" }, message.body || ""),
      el(
        "p",
        { class: "meta" },
        el("time", {}, shortTime(at)),
        details.filter(Boolean).map((detail) => ` · ${detail}`).join(""),
        " ",
        fromHandset ? null : statusBadge(message.status),
        " ",
        fromHandset ? null : el("a", { href: `${UI}/messages/${encodeURIComponent(message.message_id)}`, "aria-label": "message detail" }, "detail"),
      ),
    );
  }

  async function refresh() {
    const [threads, thread] = await Promise.all([
      api(`/conversations${query({ account: filter.elements.account.value })}`),
      chosen.number && chosen.handset ? api(`/conversations${query(chosen)}`) : null,
    ]);
    showProblem(null);
    renderThreads(threads.conversations);
    if (thread) {
      title.textContent = `${thread.handset} ⇄ ${thread.number}`;
      const atBottom = bubbles.scrollHeight - bubbles.scrollTop - bubbles.clientHeight < 40;
      bubbles.replaceChildren(...thread.messages.map(bubble));
      if (atBottom || !bubbles.dataset.shown) bubbles.scrollTop = bubbles.scrollHeight;
      bubbles.dataset.shown = "yes";
      // A sender ID cannot be answered; a phone number can.
      reply.hidden = !chosen.number.startsWith("+");
    }
  }

  reply.addEventListener("submit", async (event) => {
    event.preventDefault();
    const threadAccount = chosen.account || undefined;
    try {
      const answer = await api("/inbound", {
        method: "POST",
        json: { originationNumber: chosen.handset, destinationNumber: chosen.number, messageBody: replyBody.value, account: threadAccount },
      });
      replyResult.textContent = `Received as ${answer.inboundMessageId}${answer.messageKeyword ? `: keyword ${answer.messageKeyword}, ${answer.action}` : ""}.`;
      replyBody.value = "";
      showProblem(null);
      await live.refresh();
    } catch (error) {
      showProblem(error);
    }
  });
  replyBody.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) reply.requestSubmit();
  });
  filter.addEventListener("submit", (event) => event.preventDefault());
  filter.addEventListener("input", () => live.refresh());

  const live = watch(refresh);
})();
