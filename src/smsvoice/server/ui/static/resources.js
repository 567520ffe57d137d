// Resources per account and Region, from GET /_smsvoice/resources. Every section the API gives is
// shown; a section the page has no layout for (registrations, say) is shown as a generic table.
"use strict";

(() => {
  const { api, query, el, time, showProblem } = Smsvoice;
  const form = document.getElementById("resource-filter");
  const groups = document.getElementById("groups");

  const yes = (value) => (value ? "yes" : "no");
  const table = (columns, rows) =>
    el(
      "div",
      { class: "scroll" },
      el(
        "table",
        {},
        el("thead", {}, el("tr", {}, columns.map(([name]) => el("th", {}, name)))),
        el("tbody", {}, rows.map((row) => el("tr", {}, columns.map(([, value]) => el("td", {}, value(row)))))),
      ),
    );

  function destination(item) {
    const target =
      (item.SnsDestination && `SNS ${item.SnsDestination.TopicArn}`) ||
      (item.CloudWatchLogsDestination && `CloudWatch Logs ${item.CloudWatchLogsDestination.LogGroupArn}`) ||
      (item.KinesisFirehoseDestination && `Firehose ${item.KinesisFirehoseDestination.DeliveryStreamArn}`) ||
      "";
    return el(
      "li",
      {},
      el("strong", {}, item.EventDestinationName || item.Name),
      ` ${item.Enabled ? "enabled" : "disabled"} · ${(item.MatchingEventTypes || []).join(", ")} · `,
      el("span", { class: "arn" }, target),
    );
  }

  // How each known section is laid out; any other section falls back to its members as columns.
  const LAYOUTS = {
    ConfigurationSets: [
      "Configuration sets (v2)",
      [
        ["name", (item) => item.ConfigurationSetName],
        ["event destinations", (item) => el("ul", { class: "plain" }, (item.EventDestinations || []).map(destination))],
        ["default sender / type", (item) => [item.DefaultSenderId, item.DefaultMessageType].filter(Boolean).join(" · ")],
        ["created", (item) => time(item.CreatedTimestamp)],
      ],
    ],
    V1ConfigurationSets: [
      "Configuration sets (v1)",
      [
        ["name", (item) => item.Name],
        ["event destinations", (item) => el("ul", { class: "plain" }, (item.EventDestinations || []).map(destination))],
      ],
    ],
    PhoneNumbers: [
      "Phone numbers",
      [
        ["number", (item) => item.PhoneNumber],
        ["id", (item) => el("code", {}, item.PhoneNumberId)],
        ["type", (item) => `${item.NumberType} · ${item.IsoCountryCode} · ${item.MessageType}`],
        ["capabilities", (item) => (item.NumberCapabilities || []).join(" ")],
        ["status", (item) => item.Status],
        ["two-way", (item) => (item.TwoWayEnabled ? `yes ${item.TwoWayChannelArn || ""}` : "no")],
        ["opt-out list", (item) => item.OptOutListName],
        ["pool", (item) => item.PoolId || ""],
      ],
    ],
    SenderIds: [
      "Sender IDs",
      [
        ["sender ID", (item) => item.SenderId],
        ["country", (item) => item.IsoCountryCode],
        ["message types", (item) => (item.MessageTypes || []).join(" ")],
        ["registered", (item) => yes(item.Registered)],
      ],
    ],
    Pools: [
      "Pools",
      [
        ["id", (item) => el("code", {}, item.PoolId)],
        ["message type", (item) => item.MessageType],
        ["status", (item) => item.Status],
        ["shared routes", (item) => yes(item.SharedRoutesEnabled)],
        ["opt-out list", (item) => item.OptOutListName],
      ],
    ],
    OptOutLists: [
      "Opt-out lists",
      [
        ["name", (item) => item.OptOutListName],
        ["opted-out numbers", (item) => el("ul", { class: "plain" }, (item.OptedOutNumbers || []).map((entry) => el("li", {}, `${entry.OptedOutNumber} · ${time(entry.OptedOutTimestamp)}${entry.EndUserOptedOut ? " · by the end user" : ""}`)))],
        ["created", (item) => time(item.CreatedTimestamp)],
      ],
    ],
    Registrations: [
      "Registrations",
      [
        ["id", (item) => el("code", {}, item.RegistrationId)],
        ["type", (item) => item.RegistrationType],
        ["status", (item) => item.RegistrationStatus],
        ["current version", (item) => item.CurrentVersionNumber],
        ["approved version", (item) => item.ApprovedVersionNumber ?? "-"],
        ["created", (item) => time(item.CreatedTimestamp)],
      ],
    ],
  };

  function section(name, items) {
    const [heading, columns] = LAYOUTS[name] || [
      name.replace(/([a-z])([A-Z])/g, "$1 $2"),
      [...new Set(items.flatMap(Object.keys))].map((key) => [key, (item) => (typeof item[key] === "object" ? JSON.stringify(item[key]) : item[key])]),
    ];
    return el(
      "section",
      { class: "resource", dataset: { section: name } },
      el("h3", {}, `${heading} (${items.length})`),
      items.length ? table(columns, items) : el("p", { class: "hint" }, "none"),
    );
  }

  async function refresh() {
    const values = Object.fromEntries(new FormData(form));
    const [all, shown] = await Promise.all([api("/resources"), api(`/resources${query(values)}`)]);
    showProblem(null);
    const options = (id, values) =>
      document.getElementById(id).replaceChildren(...[...new Set(values)].sort().map((value) => el("option", { value })));
    options("accounts", all.resources.map((group) => group.account));
    options("regions", all.resources.map((group) => group.region));
    groups.replaceChildren(
      ...shown.resources.map((group) =>
        el(
          "article",
          { class: "card", dataset: { account: group.account, region: group.region } },
          el("h2", {}, `${group.account} · ${group.region}`),
          Object.entries(group)
            .filter(([name]) => name !== "account" && name !== "region")
            .map(([name, items]) => section(name, items)),
        ),
      ),
    );
    if (!shown.resources.length) groups.replaceChildren(el("p", { class: "hint" }, "No resources here yet."));
  }

  // The filters live in the page's address, as the inbox's do.
  const url = new URL(window.location.href);
  for (const name of ["account", "region"]) form.elements[name].value = url.searchParams.get(name) || "";
  form.addEventListener("submit", (event) => event.preventDefault());
  form.addEventListener("input", () => {
    const next = new URL(window.location.href);
    next.search = query(Object.fromEntries(new FormData(form)));
    history.replaceState(null, "", next);
    refresh().catch(showProblem);
  });
  refresh().catch(showProblem);
})();
