// H5 example: take a PHQ-9 or GAD-7 self-test through the REST API and show what to do next.
// Plain JavaScript, no framework and no build step: copy what you need.
// One file on purpose, past 400 lines: an example is read and copied whole, and a page without a
// build step would have to list each module in order.
//
// The interface text below is plain Simplified Chinese to keep the example short; a real app keeps
// it in its own translation files. Everything that comes from the API (questions, bands, next
// steps, hotlines) is already in the language asked for with ?lang=.
"use strict";

// Where the API is: add ?api=https://api.example.org to this page's address, or change the
// default (`make run`). The API must list this page's origin in CORS_ALLOWED_ORIGINS.
const DEFAULT_API = "http://127.0.0.1:8000";
const pageParams = new URLSearchParams(window.location.search);
const API = (pageParams.get("api") || DEFAULT_API).replace(/\/+$/, "");
// ?lang= rather than Accept-Language, which the browser fills in with its own language.
const LANG = "zh-hans";
// The code of the poster the person scanned (?channel=demo); optional, passed on with the answers.
const CHANNEL = pageParams.get("channel") || "";

const TEXT = {
  loading: "正在加载……",
  chooseTest: "选一个自测",
  questions: (n) => `${n} 道题`,
  optional: "（可以不答）",
  seeResult: "看我的结果",
  sending: "正在提交……",
  back: "返回自测列表",
  talkNow: "请现在就找人谈一谈",
  yourResult: "您的结果",
  score: (total, max) => `得分 ${total} / ${max}`,
  notDiagnosis: "这只是一次自我筛查，不是诊断。只有医生才能判断具体情况。",
  content: "对您有帮助的内容",
  noArticles: "新文章正在准备中。",
  reading: "可以读一读",
  video: "视频",
  schedule: "找专家聊一聊",
  noSessions: "新的场次正在安排中：这段时间请先拨打下面的热线。",
  join: "参加",
  calendar: "加到日历",
  referral: "今天就找人帮忙",
  callAbove: "请拨打上面的热线，或在下面留下电话，危机干预团队会给您回电。",
  hotlines: "热线电话",
  callback: "请我们给您回电",
  phone: "您的电话号码",
  preferredTime: "什么时候方便接电话？（可以不填）",
  consent: "我同意危机干预团队保存我的电话号码，用来给我回电。不会给其他任何人看。",
  callMe: "请给我回电",
  pdf: "可打印的结果单（PDF）",
  resultPage: "在网页上查看结果",
  again: "心情会变化。大约两周后可以再测一次，看看自己怎么样了。",
  reference: (token) => `编号：${token}`,
  networkError: "连不上服务器，请检查网络后再试。",
  serverError: "出了点问题，请稍后再试。",
  needHelp: "如果您现在就需要找人说说话，请拨打全国统一心理援助热线 ",
  anonymous: "（可匿名）。",
  retry: "再试一次",
};

const app = document.getElementById("app");

// Talking to the API

class NetworkError extends Error {}

class ApiError extends Error {
  constructor(status, body) {
    super(`HTTP ${status}`);
    this.status = status;
    this.body = body || {};
  }
}

// GET path (or an absolute URL the API gave us), or POST `body` as JSON; resolves to the JSON body.
async function api(path, { body } = {}) {
  const url = new URL(/^https?:/.test(path) ? path : API + path);
  url.searchParams.set("lang", LANG);
  let response;
  try {
    response = await fetch(url, {
      method: body ? "POST" : "GET",
      headers: body ? { "Content-Type": "application/json" } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
  } catch {
    // Offline, server down, or the API did not allow this origin (CORS): fetch cannot tell which.
    throw new NetworkError();
  }
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    throw new ApiError(response.status, data);
  }
  return data;
}

// Building the page. Text from the API always goes in as text, never as HTML.

function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? "" : value);
  }
  element.append(...children.filter((child) => child !== null && child !== undefined));
  return element;
}

// A link only for web and tel: addresses; anything else shows as plain text.
function link(href, text, attributes = {}) {
  let url = null;
  try {
    url = new URL(href, API);
  } catch {
    // not a URL at all
  }
  if (!url || !["http:", "https:", "tel:"].includes(url.protocol)) return h("span", {}, text);
  return h("a", { ...attributes, href: url.href }, text);
}

function render(...nodes) {
  app.replaceChildren(...nodes);
  window.scrollTo(0, 0);
  app.focus();
}

function when(iso) {
  return new Date(iso).toLocaleString("zh-CN", {
    timeZone: "Asia/Shanghai",
    month: "long",
    day: "numeric",
    weekday: "short",
    hour: "2-digit",
    minute: "2-digit",
    hour12: false,
  });
}

// What went wrong, and always the hotline: someone may be taking the test in a crisis.
function errorBox(error, retry) {
  const message =
    error instanceof ApiError ? error.body.detail || TEXT.serverError : TEXT.networkError;
  // The API sends the hotlines with its refusals; without an answer, 12356 from the page.
  const lines = error instanceof ApiError ? error.body.hotlines : null;
  return h(
    "div",
    { class: "alert", role: "alert" },
    h("p", {}, message),
    lines?.length
      ? hotlineList(lines)
      : h(
          "p",
          {},
          TEXT.needHelp,
          h("a", { class: "call", href: "tel:12356" }, "12356"),
          TEXT.anonymous,
        ),
    retry
      ? h("button", { type: "button", class: "button secondary", onclick: retry }, TEXT.retry)
      : null,
  );
}

// A 400 that names fields, to be shown beside them. Any other refusal (a body the API could not
// read: {"detail": "…", "hotlines": […]}; a proxy's page, read as {}) goes in an error box with
// the hotlines it carries, or 12356.
function namesFields(error) {
  return (
    error instanceof ApiError &&
    error.status === 400 &&
    Object.keys(error.body).length > 0 &&
    !("detail" in error.body) &&
    !("non_field_errors" in error.body)
  );
}

// A 400 names the fields: {"phone": ["…"]}, answers by question code under "answers".
// Each message goes next to its field (an element with data-field); the rest at the top of `form`.
function showFieldErrors(form, body) {
  for (const marked of form.querySelectorAll("[data-field].invalid")) {
    marked.classList.remove("invalid");
    marked.removeAttribute("aria-invalid");
    marked.querySelector(".error").textContent = "";
  }
  const errors = [];
  for (const [field, messages] of Object.entries(body)) {
    if (field === "answers" && !Array.isArray(messages)) errors.push(...Object.entries(messages));
    else errors.push([field, messages]);
  }
  const general = form.querySelector(".form-error");
  general.replaceChildren();
  let first = null;
  for (const [field, messages] of errors) {
    const text = [].concat(messages).join(" ");
    const target = form.querySelector(`[data-field="${CSS.escape(field)}"]`);
    if (target) {
      target.classList.add("invalid");
      target.setAttribute("aria-invalid", "true");
      target.querySelector(".error").textContent = text;
      first = first || target;
    } else {
      general.append(h("p", { class: "error" }, `${field}：${text}`));
    }
  }
  (first || general).scrollIntoView({ block: "center" });
}

// Runs one step; a failure replaces the page with the error, the hotline and a retry button.
async function run(step) {
  try {
    await step();
  } catch (error) {
    render(errorBox(error, () => run(step)), backButton());
  }
}

function backButton() {
  const onclick = () => run(showList);
  return h("p", {}, h("button", { type: "button", class: "link", onclick }, TEXT.back));
}

// The pages

async function showList() {
  render(h("p", {}, TEXT.loading));
  const questionnaires = await api("/api/v1/questionnaires/");
  render(
    h("h1", {}, TEXT.chooseTest),
    h(
      "ul",
      { class: "tests" },
      ...questionnaires.map((q) =>
        h(
          "li",
          {},
          h(
            "button",
            {
              type: "button",
              "data-slug": q.slug,
              onclick: () => run(() => showQuestionnaire(q.slug)),
            },
            h("strong", {}, q.title),
            h("span", {}, q.summary),
            h("span", { class: "small" }, TEXT.questions(q.question_count)),
          ),
        ),
      ),
    ),
  );
}

async function showQuestionnaire(slug) {
  render(h("p", {}, TEXT.loading));
  const questionnaire = await api(`/api/v1/questionnaires/${encodeURIComponent(slug)}/`);
  // No checks in the browser: the API is the one place that knows what a complete answer is,
  // and its 400 names each question that still needs one.
  const form = h(
    "form",
    { class: "questions", novalidate: true },
    ...questionnaire.questions.map((question, index) =>
      h(
        "fieldset",
        { "data-field": question.code },
        h(
          "legend",
          {},
          `${index + 1}. ${question.text}`,
          question.required ? null : h("small", {}, TEXT.optional),
        ),
        // Free text (`kind` "text"): the person's own words, at most `max_length` characters.
        ...(question.kind === "text"
          ? [h("textarea", { name: question.code, rows: 4, maxlength: question.max_length })]
          : question.options.map((option) =>
              h(
                "label",
                {},
                h("input", { type: "radio", name: question.code, value: option.value }),
                " ",
                option.label,
              ),
            )),
        h("p", { class: "error" }),
      ),
    ),
    h("div", { class: "form-error" }),
    h("button", { type: "submit", class: "button" }, TEXT.seeResult),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submitAnswers(slug, questionnaire.version, form);
  });
  render(
    h("h1", {}, questionnaire.title),
    h("p", { class: "lead" }, questionnaire.instructions),
    form,
    h("p", { class: "small" }, questionnaire.copyright),
    backButton(),
  );
}

async function submitAnswers(slug, version, form) {
  const answers = {};
  for (const input of form.querySelectorAll("input[type=radio]:checked")) {
    answers[input.name] = Number(input.value);
  }
  for (const box of form.querySelectorAll("textarea")) {
    if (box.value.trim()) answers[box.name] = box.value;
  }
  // The version shown: if a newer one goes live meanwhile, these answers are still scored
  // against the questions the person saw.
  const body = CHANNEL ? { answers, version, channel: CHANNEL } : { answers, version };
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  button.textContent = TEXT.sending;
  try {
    const path = `/api/v1/questionnaires/${encodeURIComponent(slug)}/submissions/`;
    showResult(await api(path, { body }));
  } catch (error) {
    // Keep the answers on screen whatever happened, so nothing has to be entered twice.
    if (namesFields(error)) {
      // Answers still missing, but those given show thoughts of self-harm: the API sends the
      // crisis help with the errors, and it goes first, above the questions.
      const { crisis, safety_message: safety, hotlines, ...fields } = error.body;
      showFieldErrors(form, fields);
      showCrisisHelp(form, crisis ? { safety, hotlines } : null);
    } else {
      form.querySelector(".form-error").replaceChildren(errorBox(error));
      form.querySelector(".form-error").scrollIntoView({ block: "center" });
    }
  } finally {
    button.disabled = false;
    button.textContent = TEXT.seeResult;
  }
}

// The safety message and hotlines above the questionnaire (or none: removed when `help` is null).
function showCrisisHelp(form, help) {
  document.getElementById("crisis-help")?.remove();
  if (!help) return;
  const section = h(
    "section",
    { class: "crisis", id: "crisis-help" },
    h("h1", {}, TEXT.talkNow),
    h("p", {}, help.safety),
    hotlineList(help.hotlines),
  );
  document.querySelector("main h1").before(section);
  section.scrollIntoView({ block: "start" });
}

function hotlineList(hotlines) {
  return h(
    "ul",
    { class: "hotlines" },
    ...hotlines.map((line) =>
      h(
        "li",
        {},
        link(line.tel, line.number, { class: "call" }),
        " ",
        h("strong", {}, line.name),
        line.hours ? h("span", { class: "small" }, line.hours) : null,
      ),
    ),
  );
}

function articleList(items) {
  return h(
    "ul",
    { class: "items" },
    ...items.map((item) =>
      h(
        "li",
        {},
        link(item.url, item.title),
        item.video_url ? h("span", {}, " · ", link(item.video_url, TEXT.video)) : null,
        h("p", { class: "small" }, item.summary),
      ),
    ),
  );
}

// The next step for the tier; `kind` says which (see the API reference).
function nextStep(result) {
  const next = result.recommendation;
  if (next.kind === "content") {
    return h(
      "section",
      { class: "next-step", "data-kind": "content" },
      h("h2", {}, TEXT.content),
      h("p", {}, next.message),
      next.items.length ? articleList(next.items) : h("p", {}, TEXT.noArticles),
    );
  }
  if (next.kind === "schedule") {
    return h(
      "section",
      { class: "next-step", "data-kind": "schedule" },
      h("h2", {}, TEXT.schedule),
      h("p", {}, next.message),
      next.sessions.length
        ? h(
            "ul",
            { class: "items" },
            ...next.sessions.map((session) =>
              h(
                "li",
                {},
                h("strong", {}, session.title),
                ` – ${session.host}`,
                h("br"),
                h("time", { datetime: session.starts_at }, when(session.starts_at)),
                session.platform ? ` · ${session.platform}` : null,
                session.join_url ? h("span", {}, " · ", link(session.join_url, TEXT.join)) : null,
                session.join_phone
                  ? h(
                      "span",
                      {},
                      " · ",
                      // Empty when the editor's text starts with no number to dial.
                      session.join_tel
                        ? link(session.join_tel, session.join_phone)
                        : session.join_phone,
                    )
                  : null,
                h("span", {}, " · ", link(session.ics_url, TEXT.calendar)),
                // How to join in the editor's words (e.g. which WeChat channel to search).
                session.description ? h("p", { class: "small" }, session.description) : null,
              ),
            ),
          )
        : h("p", {}, TEXT.noSessions),
    );
  }
  if (next.kind === "referral") {
    // In a crisis the safety message and hotlines are already at the top of the page.
    return h(
      "section",
      { class: "next-step", "data-kind": "referral" },
      h("h2", {}, TEXT.referral),
      ...(next.crisis
        ? [h("p", {}, TEXT.callAbove)]
        : [h("p", {}, next.message), hotlineList(next.hotlines)]),
    );
  }
  // A kind this page does not know yet: its message still says what to do.
  return h("section", { class: "next-step" }, h("p", {}, next.message));
}

function callbackForm(callbackUrl) {
  const form = h(
    "form",
    { class: "callback", novalidate: true },
    h("div", { class: "form-error" }),
    h(
      "div",
      { "data-field": "phone" },
      h("label", { for: "phone" }, TEXT.phone),
      h("input", {
        id: "phone",
        name: "phone",
        type: "tel",
        inputmode: "tel",
        autocomplete: "tel",
      }),
      h("p", { class: "error" }),
    ),
    h(
      "div",
      { "data-field": "preferred_time" },
      h("label", { for: "preferred_time" }, TEXT.preferredTime),
      h("input", { id: "preferred_time", name: "preferred_time", maxlength: "100" }),
      h("p", { class: "error" }),
    ),
    h(
      "div",
      { "data-field": "consent" },
      h(
        "label",
        { class: "check" },
        h("input", { type: "checkbox", name: "consent" }),
        " ",
        TEXT.consent,
      ),
      h("p", { class: "error" }),
    ),
    h("button", { type: "submit", class: "button" }, TEXT.callMe),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = {
      phone: form.elements.phone.value,
      // The API wants an explicit JSON true.
      consent: form.elements.consent.checked,
      preferred_time: form.elements.preferred_time.value,
    };
    try {
      const answer = await api(callbackUrl, { body });
      form.replaceWith(h("p", { class: "ok", role: "status" }, answer.message));
    } catch (error) {
      if (namesFields(error)) showFieldErrors(form, error.body);
      else form.querySelector(".form-error").replaceChildren(errorBox(error));
    }
  });
  return h("section", { id: "callback" }, h("h2", {}, TEXT.callback), form);
}

function showResult(result) {
  const next = result.recommendation;
  const crisis = result.crisis
    ? h(
        "section",
        { class: "crisis" },
        h("h1", {}, TEXT.talkNow),
        h("p", {}, next.safety_message),
        hotlineList(next.hotlines),
      )
    : null;
  render(
    ...[
      crisis,
      h(
        "section",
        { class: "result" },
        h(crisis ? "h2" : "h1", {}, `${TEXT.yourResult}：${result.questionnaire.title}`),
        h(
          "p",
          { class: "score" },
          TEXT.score(result.total_score, result.max_score),
          // In a crisis a low band's label ("minimal") would read as reassurance: leave it out.
          result.crisis ? null : " · ",
          result.crisis ? null : h("strong", {}, result.band.label),
        ),
        h("p", {}, result.band.meaning),
        h("p", { class: "small" }, TEXT.notDiagnosis),
      ),
      nextStep(result),
      next.kind === "referral" ? callbackForm(next.callback_url) : null,
      // Moderate and severe results may also list articles an editor marked for them.
      next.kind !== "content" && next.items?.length
        ? h("section", { class: "reading" }, h("h2", {}, TEXT.reading), articleList(next.items))
        : null,
      next.kind === "referral"
        ? null
        : h("section", {}, h("h2", {}, TEXT.hotlines), hotlineList(result.hotlines)),
      h(
        "section",
        { class: "after" },
        h("p", {}, link(result.pdf_url, TEXT.pdf, { class: "button secondary", id: "pdf" })),
        h("p", {}, link(result.result_url, TEXT.resultPage)),
        h("p", {}, TEXT.again),
        h("p", { class: "small" }, TEXT.reference(result.token.slice(0, 8))),
        backButton(),
      ),
    ].filter(Boolean),
  );
}

run(showList);
