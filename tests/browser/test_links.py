"""Every page a learner and the trainer can reach by clicking answers 200, no link points to a content file,
and no page shows a source document's file name (issue 13). A link walker of our own, over the demo:
sign in through the forms, then follow every same-origin link (GET), breadth first, bounded."""
import html.parser
import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request

SEED_NAME = re.compile(r"\d{3}_[0-9a-f]{16}\.txt")
CONTENT_FILE = re.compile(r"\.(md|ya?ml|txt)(#|\?|$)")
SIGN_OUT = ("/deconnexion",)


class Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.append(href)


def visible_text(page):
    page = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", page)
    return re.sub(r"(?s)<[^>]+>", " ", page)


def walk(base, form_path, fields, limit=400):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("Sec-Fetch-Site", "same-origin")]
    opener.open(base + form_path, data=urllib.parse.urlencode(fields).encode()).read()
    problems, seen, queue = [], set(), ["/"]
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        try:
            response = opener.open(base + path)
            body = response.read().decode("utf-8", "replace")
            kind = response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as error:
            problems.append(f"{path} → {error.code}")
            continue
        if not kind.startswith("text/html"):
            continue
        if SEED_NAME.search(visible_text(body)):
            problems.append(f"{path} shows a source file name")
        parser = Links()
        parser.feed(body)
        for href in parser.links:
            target = urllib.parse.urljoin(base + path, href)
            if not target.startswith(base):
                continue
            relative = target[len(base):].split("#")[0] or "/"
            if CONTENT_FILE.search(relative):
                problems.append(f"{path} links to a content file: {href}")
                continue
            if relative.startswith(SIGN_OUT) or relative in seen:
                continue
            queue.append(relative)
    return problems, len(seen)


def test_every_page_a_learner_can_reach_works(demo):
    problems, pages = walk(demo.url, "/connexion/apprenant", {"code": demo.learners[1][1]})
    assert pages > 30, f"only {pages} pages reached"
    assert not problems, "\n".join(problems[:30])


def test_every_page_the_trainer_can_reach_works(demo):
    problems, pages = walk(demo.url, "/connexion/formateur", {"identifiant": demo.trainer, "mot_de_passe": demo.password})
    assert pages > 5, f"only {pages} pages reached"
    assert not problems, "\n".join(problems[:30])
