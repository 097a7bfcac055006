"""Walks a troubleshooting session through fixpath's API with models generated from its
OpenAPI document alone (datamodel-code-generator, extra fields forbidden): every answer is
parsed into a generated model, and no value of it is left an untyped object.

Usage: python3 client_walk.py BASE_URL  (the generated `models` module on PYTHONPATH).
Prints one line per answer read; exits non-zero on the first answer that does not fit."""

import enum
import json
import sys
import urllib.error
import urllib.request

import pydantic

import models

BASE = sys.argv[1].rstrip("/")


def call(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(BASE + path, data=data, method=method)
    if data is not None:
        request.add_header("content-type", "application/json")
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def typed(value, where="answer"):
    """Every object in the parsed answer is a generated model (or a typed map of them)."""
    if isinstance(value, pydantic.BaseModel):
        if type(value).__module__ != models.__name__:
            raise AssertionError(f"{where}: {type(value)} is not a generated model")
        if value.model_extra:
            raise AssertionError(f"{where}: fields the document does not describe: {value.model_extra}")
        for name in type(value).model_fields:
            typed(getattr(value, name), f"{where}.{name}")
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            typed(item, f"{where}[{index}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict):
                raise AssertionError(f"{where}[{key!r}]: an untyped object")
            typed(item, f"{where}[{key!r}]")
    elif not isinstance(value, (str, int, float, bool, type(None), enum.Enum)):
        raise AssertionError(f"{where}: {type(value)} is not a JSON value")


def parse(model, status, body, expected):
    if status != expected:
        raise AssertionError(f"{model.__name__}: status {status}, not {expected}: {body}")
    parsed = model.model_validate(body)
    typed(parsed, model.__name__)
    print(f"{model.__name__}: ok")
    return parsed


def step_kind(session):
    # The step is a union of generated models, one per kind.
    return session.live.step.root.kind.value if hasattr(session.live.step, "root") else session.live.step.kind.value


def step_of(session):
    return session.live.step.root if hasattr(session.live.step, "root") else session.live.step


search = parse(models.SearchView, *call("GET", "/api/v1/search?q=SSPR_0029"), 200)
article_id = search.results.hits[0].id
parse(models.KbArticle, *call("GET", f"/api/v1/articles/{article_id}"), 200)
session = parse(models.SessionOut, *call("POST", "/api/v1/sessions", {"article": article_id, "reference": "PY-1"}), 201)
kinds = set()
for _ in range(30):
    kind = step_kind(session)
    kinds.add(kind)
    step = step_of(session)
    if kind == "ask":
        # The first answer the question takes, as the document names it.
        move = {"move": "answer", "question": step.question.id, "answer": step.question.answers[0].value}
    elif kind == "try":
        move = {"move": "fix", "remedy": step.remedy, "fixed": True}
    elif kind == "escalate":
        move = {"move": "end", "outcome": "escalated"}
    else:
        break
    move["expect_steps"] = session.steps
    session = parse(models.SessionOut, *call("POST", f"/api/v1/sessions/{session.id}/steps?view=live", move), 200)
if step_kind(session) != "ended":
    raise AssertionError(f"the walk did not end: {kinds}")
whole = parse(models.SessionOut, *call("GET", f"/api/v1/sessions/{session.id}"), 200)
if whole.transcript is None or whole.state is None:
    raise AssertionError("the whole session has its transcript and state")
parse(models.Transcript, *call("GET", f"/api/v1/sessions/{session.id}/transcript?format=json"), 200)
listed = parse(models.SessionList, *call("GET", "/api/v1/sessions?reference=PY-1"), 200)
if [s.id for s in listed.sessions] != [session.id]:
    raise AssertionError("the session is listed by its reference")
parse(models.Stats, *call("GET", "/api/v1/stats"), 200)
problem = parse(models.Problem, *call("POST", f"/api/v1/sessions/{session.id}/steps", {"move": "back"}), 409)
print("problem type:", problem.type.value if isinstance(problem.type, enum.Enum) else problem.type)
print("kinds:", " ".join(sorted(kinds)))
