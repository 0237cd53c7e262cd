#!/usr/bin/env python3
"""A moto server with the gaps xray-setup's tests need filled (see TESTING.md):

- UpdateFunctionConfiguration stores TracingConfig (moto answers 200 and drops it);
- ListFunctions pages with Marker/MaxItems, 50 at most, and GetRestApis with
  position/limit (moto returns everything at once);
- ListVersionsByFunction and ListAliases page with Marker/MaxItems too, 50 at most;
- the X-Ray sampling-rule API (Get/Create/Update/DeleteSamplingRule), with the Default
  rule, and the encryption configuration (Get/PutEncryptionConfig, NONE until put), which
  moto does not implement: each account's region has its own, as in AWS, the account being
  the one moto maps the call's access key to (an AssumeRole's key is in the role's account,
  any other key in 123456789012);
- the Account service's ListRegions (moto lacks it), with RegionOptStatusContains and
  paging: a new account's 17 regions enabled by default and a few opt-in ones disabled,
  or, where the config names the account's regions, those enabled and the rest disabled;
- UpdateFunctionConfiguration gives the function a new RevisionId and refuses (412
  PreconditionFailedException) one naming a RevisionId that is no longer the function's,
  as Lambda does (moto keeps one revision forever and ignores the parameter);
- on request, throttling as AWS does it (a rate limit per service) and a random share
  of calls answered with each service's throttling error, calls of a service denied,
  and chosen UpdateFunctionConfiguration calls failed, to prove retries and failures;
- on request, AssumeRole into chosen accounts refused (403 AccessDenied), as where the
  role is missing or does not trust the caller, to prove that an Organization's audit goes
  on past an account it cannot enter;
- on request, someone else changing a function (in the caller's account) at the moment
  xray-setup reads it again before its update ("change_on_read") or at the moment its
  update arrives ("change_on_update"), to prove that a target changed since the plan is
  left alone: moto serves requests one by one and cannot interleave them otherwise.

    harness.py [--port N]     prints "READY <port>" once it serves on 127.0.0.1

Control endpoints: POST /_harness/config {"throttle": 0.05, "rate_limit": 10, "fail_updates": ["fn-1"],
"deny": ["xray"], "page_size": 2, "change_on_read": {"fn-2": "Active"}, "change_on_update": {"fn-3":
"PassThrough"} (each change happens once), "refuse_assume": ["111111111111"], "latency_ms": 50 (every call
waits so long first, as for an AWS round trip; EC2's DescribeRegions answers from "regions" too), "regions":
{"111111111111": ["us-east-1", "eu-west-1"]}}; GET /_harness/log (what was served: service,
operation, the path each call named, the account its credentials are in, throttled, denied;
POST with a body to read and clear it); POST /_harness/reset.
"""
import argparse
import json
import os
import random
import re
import socket
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlencode, urlparse

os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")

import uuid  # noqa: E402

from moto.awslambda import models as lambda_models  # noqa: E402
from moto.awslambda.exceptions import PreconditionFailedException  # noqa: E402
from moto.iam.models import get_account_id_from  # noqa: E402
from moto.moto_server.threaded_moto_server import ThreadedMotoServer  # noqa: E402

_update = lambda_models.LambdaFunction.update_configuration
_configuration = lambda_models.LambdaFunction.get_configuration


def revision_of(fn):
    """The function's RevisionId, which moto's functions do not have."""
    return fn.__dict__.setdefault("harness_revision", str(uuid.uuid4()))


def configuration_with_revision(self, *args, **kwargs):
    """GetFunctionConfiguration (and each item of ListFunctions) with the RevisionId."""
    config = _configuration(self, *args, **kwargs)
    config["RevisionId"] = revision_of(self)
    return config


def update_with_tracing(self, config_updates):
    """moto drops TracingConfig on update and ignores RevisionId; AWS stores the one,
    refuses an update naming a revision that is no longer the function's, and gives each
    update a new revision."""
    revision = config_updates.get("RevisionId")
    if revision and revision != revision_of(self):
        raise PreconditionFailedException(
            "The Revision Id provided does not match the latest Revision Id. "
            "Call the GetFunction/GetAlias API to retrieve the latest Revision Id")
    if "TracingConfig" in config_updates:  # a new dict: versions, moto's shallow copies, keep theirs
        self.tracing_config = {"Mode": config_updates["TracingConfig"].get("Mode", "PassThrough")}
    self.harness_revision = str(uuid.uuid4())
    return _update(self, config_updates)


lambda_models.LambdaFunction.update_configuration = update_with_tracing
lambda_models.LambdaFunction.get_configuration = configuration_with_revision

STATE = {"throttle": 0.0, "rate_limit": None, "latency_ms": 0, "fail_updates": set(), "deny": set(), "page_size": None,
         "change_on_read": {}, "change_on_update": {}, "refuse_assume": set(), "regions": {}, "log": [],
         "buckets": {}, "xray": {}}
LOCK = threading.Lock()
RANDOM = random.Random(7)
# The regions a new account has enabled (ENABLED_BY_DEFAULT), and some it must opt in to.
DEFAULT_REGIONS = ["ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-southeast-1",
                   "ap-southeast-2", "ca-central-1", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2",
                   "eu-west-3", "sa-east-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2"]
OPT_IN_REGIONS = ["af-south-1", "ap-east-1", "ap-southeast-3", "eu-south-1", "me-south-1"]


def xray_of(account, region):
    """One account's region's X-Ray settings, as AWS starts them: the Default rule, and no
    encryption. Called under LOCK."""
    key = (account, region)
    if key not in STATE["xray"]:
        default = {
            "RuleName": "Default", "RuleARN": rule_arn(account, region, "Default"),
            "ResourceARN": "*", "Priority": 10000, "FixedRate": 0.05, "ReservoirSize": 1,
            "ServiceName": "*", "ServiceType": "*", "Host": "*", "HTTPMethod": "*", "URLPath": "*",
            "Version": 1, "Attributes": {},
        }
        STATE["xray"][key] = {"rules": {"Default": default}, "encryption": {"Type": "NONE", "Status": "ACTIVE"}}
    return STATE["xray"][key]


def rule_arn(account, region, name):
    return f"arn:aws:xray:{region}:{account}:sampling-rule/{name}"


def regions_of(account):
    """The account's regions and their opt status, sorted by name as AWS lists them. Called
    under LOCK."""
    enabled = set(STATE["regions"].get(account, DEFAULT_REGIONS))
    out = []
    for region in sorted(set(DEFAULT_REGIONS + OPT_IN_REGIONS) | enabled):
        status = ("DISABLED" if region not in enabled
                  else "ENABLED_BY_DEFAULT" if region in DEFAULT_REGIONS else "ENABLED")
        out.append({"RegionName": region, "RegionOptStatus": status})
    return out


def over_rate(service):
    """A token bucket per service, as AWS throttles: rate_limit calls a second, bursts of
    as many. Called under LOCK."""
    limit = STATE["rate_limit"]
    if not limit:
        return False
    import time
    now = time.monotonic()
    tokens, last = STATE["buckets"].get(service, (float(limit), now))
    tokens = min(float(limit), tokens + (now - last) * limit)
    if tokens < 1.0:
        STATE["buckets"][service] = (tokens, now)
        return True
    STATE["buckets"][service] = (tokens - 1.0, now)
    return False


def service_of(headers):
    m = re.search(r"Credential=[^/]+/[^/]+/[^/]+/([^/]+)/aws4_request", headers.get("Authorization", ""))
    return m.group(1) if m else ""


def region_of(headers):
    m = re.search(r"Credential=[^/]+/[^/]+/([^/]+)/[^/]+/aws4_request", headers.get("Authorization", ""))
    return m.group(1) if m else "us-east-1"


def account_of(headers):
    """The account the call's credentials are in, by moto's own mapping of access keys."""
    m = re.search(r"Credential=([^/]+)/", headers.get("Authorization", ""))
    return get_account_id_from(m.group(1) if m else "")


def assumed_role_of(body):
    """The RoleArn an AssumeRole names, and that role's account."""
    arn = parse_qs(body.decode(errors="replace")).get("RoleArn", [""])[0]
    parts = arn.split(":")
    return arn, parts[4] if len(parts) > 4 else ""


def function_of(url):
    """The function a Lambda call names in its path, by name or ARN: its name."""
    return unquote(url.path.split("/functions/")[1].split("/")[0]).split(":")[-1]


def someone_else_sets(account, region, name, mode):
    """Another hand (a deploy, a console click) updating the function: a new revision, and
    the mode it sets."""
    fn = lambda_models.lambda_backends[account][region].get_function(name)
    update_with_tracing(fn, {"TracingConfig": {"Mode": mode}})


THROTTLE = {
    "lambda": (429, "TooManyRequestsException", "json"),
    "apigateway": (429, "TooManyRequestsException", "json"),
    "xray": (429, "ThrottledException", "json"),
    "iam": (400, "Throttling", "xml"),
}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes: with Nagle, each reply waited 40 ms
    moto_port = 0

    def log_message(self, *args):  # quiet
        pass

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def reply(self, status, payload=b"", headers=None):
        if isinstance(payload, (dict, list)):
            payload = json.dumps(payload).encode()
            headers = {"Content-Type": "application/json", **(headers or {})}
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def error(self, service, status, code, message, form="json"):
        if form == "xml":
            body = (f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message>"
                    f"</Error><RequestId>harness</RequestId></ErrorResponse>").encode()
            self.reply(status, body, {"Content-Type": "text/xml"})
        else:
            self.reply(status, {"message": message, "Type": "User"}, {"x-amzn-ErrorType": code})

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def do_PUT(self):
        self.handle_any("PUT")

    def do_PATCH(self):
        self.handle_any("PATCH")

    def do_DELETE(self):
        self.handle_any("DELETE")

    def handle_any(self, method):
        body = self.body()
        url = urlparse(self.path)
        if url.path.startswith("/_harness/"):
            return self.control(url.path, body)
        if STATE["latency_ms"]:
            # AWS's round trip, which a client's concurrency hides; sleeping frees the GIL,
            # so calls wait side by side as they would for AWS.
            time.sleep(STATE["latency_ms"] / 1000)
        service = service_of(self.headers)
        operation = operation_of(service, method, url, body, self.headers)
        account = account_of(self.headers)
        role, role_account = assumed_role_of(body) if operation == "AssumeRole" else ("", "")
        with LOCK:
            throttle = service in THROTTLE and (RANDOM.random() < STATE["throttle"] or over_rate(service))
            refused = role_account in STATE["refuse_assume"]
            denied = service in STATE["deny"] or refused
            STATE["log"].append({"service": service, "operation": operation, "path": unquote(url.path),
                                 "account": account, "throttled": throttle, "denied": denied})
        if throttle:
            status, code, form = THROTTLE[service]
            return self.error(service, status, code, "Rate exceeded", form)
        if refused:
            return self.error(service, 403, "AccessDenied", f"User: arn:aws:iam::{account}:user/testing is not "
                              f"authorized to perform: sts:AssumeRole on resource: {role}", "xml")
        if denied:
            form = "xml" if service == "iam" else "json"
            code = "AccessDenied" if service == "iam" else "AccessDeniedException"
            return self.error(service, 403, code, f"not authorized to perform {service}:{operation}", form)
        if operation == "UpdateFunctionConfiguration" and function_of(url) in STATE["fail_updates"]:
            return self.error(service, 500, "ServiceException", "injected failure")
        change = {"GetFunctionConfiguration": "change_on_read",
                  "UpdateFunctionConfiguration": "change_on_update"}.get(operation)
        if change:
            with LOCK:
                mode = STATE[change].pop(function_of(url), None)
            if mode:
                someone_else_sets(account, region_of(self.headers), function_of(url), mode)
        if service == "xray":
            return self.xray(url.path, body, account, region_of(self.headers))
        if operation == "ListRegions":
            return self.list_regions(body, account)
        if service == "ec2" and operation == "DescribeRegions":
            return self.describe_regions(account)
        if operation == "ListFunctions":
            return self.paged(method, url, body, "Functions", "Marker", "NextMarker", "MaxItems", 50, 50)
        if operation in ("ListVersionsByFunction", "ListAliases"):
            key = "Versions" if operation == "ListVersionsByFunction" else "Aliases"
            return self.paged(method, url, body, key, "Marker", "NextMarker", "MaxItems", 50, 50)
        if operation == "GetRestApis":
            return self.paged(method, url, body, "item", "position", "position", "limit", 25, 500)
        status, headers, payload = forward(self.moto_port, method, self.path, self.headers, body)
        self.reply(status, payload, headers)

    def paged(self, method, url, body, key, marker_param, next_param, size_param, default, cap):
        query = parse_qs(url.query)
        marker = query.pop(marker_param, [None])[0]
        size = min(int(query.pop(size_param, [default])[0]), STATE["page_size"] or cap)
        path = url.path + ("?" + urlencode(query, doseq=True) if query else "")
        status, headers, payload = forward(self.moto_port, method, path, self.headers, body)
        if status != 200:
            return self.reply(status, payload, headers)
        doc = json.loads(payload)
        items = doc.get(key, [])
        start = int(marker or 0)
        doc[key] = items[start:start + size]
        doc.pop(next_param, None)
        if start + size < len(items):
            doc[next_param] = str(start + size)
        self.reply(200, doc)

    def list_regions(self, body, account):
        """ListRegions, of the caller's account or the AccountId it names."""
        req = json.loads(body or b"{}")
        with LOCK:
            regions = regions_of(req.get("AccountId") or account)
            size = min(int(req.get("MaxResults") or 20), STATE["page_size"] or 50)
        wanted = req.get("RegionOptStatusContains")
        if wanted:
            regions = [r for r in regions if r["RegionOptStatus"] in wanted]
        start = int(req.get("NextToken") or 0)
        page = {"Regions": regions[start:start + size]}
        if start + size < len(regions):
            page["NextToken"] = str(start + size)
        self.reply(200, page)

    def describe_regions(self, account):
        """EC2's DescribeRegions (without AllRegions: the enabled ones), from the same
        per-account regions as ListRegions: moto's lists every region of every partition,
        whatever the account enabled."""
        with LOCK:
            enabled = [r for r in regions_of(account) if r["RegionOptStatus"] != "DISABLED"]
        items = "".join(
            f"<item><regionName>{r['RegionName']}</regionName>"
            f"<regionEndpoint>ec2.{r['RegionName']}.amazonaws.com</regionEndpoint>"
            f"<optInStatus>{'opt-in-not-required' if r['RegionOptStatus'] == 'ENABLED_BY_DEFAULT' else 'opted-in'}"
            f"</optInStatus></item>" for r in enabled)
        body = (f'<DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
                f"<requestId>harness</requestId><regionInfo>{items}</regionInfo></DescribeRegionsResponse>")
        self.reply(200, body.encode(), {"Content-Type": "text/xml"})

    def xray(self, path, body, account, region):
        req = json.loads(body or b"{}")
        with LOCK:
            state = xray_of(account, region)
            if path == "/EncryptionConfig":  # GetEncryptionConfig
                return self.reply(200, {"EncryptionConfig": state["encryption"]})
            if path == "/PutEncryptionConfig":
                config = {"Type": req["Type"], "Status": "ACTIVE"}
                if req.get("KeyId"):
                    config["KeyId"] = req["KeyId"]
                state["encryption"] = config
                return self.reply(200, {"EncryptionConfig": config})
            rules = state["rules"]
            if path == "/GetSamplingRules":
                records = [{"SamplingRule": r, "CreatedAt": 0, "ModifiedAt": 0} for r in rules.values()]
                start = int(req.get("NextToken") or 0)
                size = STATE["page_size"] or 100
                page = {"SamplingRuleRecords": records[start:start + size]}
                if start + size < len(records):
                    page["NextToken"] = str(start + size)
                return self.reply(200, page)
            if path == "/CreateSamplingRule":
                rule = dict(req["SamplingRule"])
                rule.setdefault("Attributes", {})
                rule["RuleARN"] = rule_arn(account, region, rule["RuleName"])
                rules[rule["RuleName"]] = rule
                return self.reply(200, {"SamplingRuleRecord": {"SamplingRule": rule}})
            if path == "/UpdateSamplingRule":
                update = req["SamplingRuleUpdate"]
                rule = rules[update["RuleName"]]
                rule.update({k: v for k, v in update.items() if k != "RuleName"})
                return self.reply(200, {"SamplingRuleRecord": {"SamplingRule": rule}})
            if path == "/DeleteSamplingRule":
                rule = rules.pop(req["RuleName"])
                return self.reply(200, {"SamplingRuleRecord": {"SamplingRule": rule}})
        self.error("xray", 404, "UnknownOperationException", f"{path} is not served by the harness")

    def control(self, path, body):
        with LOCK:
            if path == "/_harness/config":
                cfg = json.loads(body or b"{}")
                STATE["throttle"] = float(cfg.get("throttle", STATE["throttle"]))
                STATE["fail_updates"] = set(cfg.get("fail_updates", STATE["fail_updates"]))
                STATE["deny"] = set(cfg.get("deny", STATE["deny"]))
                STATE["page_size"] = cfg.get("page_size", STATE["page_size"])
                STATE["rate_limit"] = cfg.get("rate_limit", STATE["rate_limit"])
                STATE["latency_ms"] = cfg.get("latency_ms", STATE["latency_ms"])
                STATE["change_on_read"] = dict(cfg.get("change_on_read", STATE["change_on_read"]))
                STATE["change_on_update"] = dict(cfg.get("change_on_update", STATE["change_on_update"]))
                STATE["refuse_assume"] = set(cfg.get("refuse_assume", STATE["refuse_assume"]))
                STATE["regions"] = dict(cfg.get("regions", STATE["regions"]))
                return self.reply(200, {"ok": True})
            if path == "/_harness/log":
                log = STATE["log"]
                if body:
                    STATE["log"] = []  # POST: read and clear
                return self.reply(200, log)
            if path == "/_harness/reset":
                STATE.update(throttle=0.0, rate_limit=None, latency_ms=0, fail_updates=set(), deny=set(), page_size=None, log=[],
                             buckets={}, change_on_read={}, change_on_update={}, refuse_assume=set(), regions={},
                             xray={})
                forward(self.moto_port, "POST", "/moto-api/reset", {}, b"")
                return self.reply(200, {"ok": True})
        self.reply(404, {"message": "unknown harness endpoint"})


def operation_of(service, method, url, body, headers):
    path = url.path
    target = headers.get("X-Amz-Target", "")
    if target:  # JSON protocols: "AWSStepFunctions.ListStateMachines", "AWSOrganizationsV20161128.ListAccounts"
        return target.rsplit(".", 1)[-1]
    if service in ("iam", "sts", "ec2"):
        return parse_qs(body.decode(errors="replace")).get("Action", [""])[0]
    if service == "lambda":
        if re.fullmatch(r"/2015-03-31/functions/?", path):
            return "ListFunctions" if method == "GET" else "CreateFunction"
        if path.endswith("/configuration"):
            return "UpdateFunctionConfiguration" if method == "PUT" else "GetFunctionConfiguration"
        if path.endswith("/versions"):
            return "ListVersionsByFunction" if method == "GET" else "PublishVersion"
        if path.endswith("/aliases"):
            return "ListAliases" if method == "GET" else "CreateAlias"
        if re.fullmatch(r"/2015-03-31/functions/[^/]+/aliases/[^/]+", path):
            return {"GET": "GetAlias", "PUT": "UpdateAlias", "DELETE": "DeleteAlias"}.get(method, method + " " + path)
        if re.fullmatch(r"/2017-03-31/tags/.+", path):
            return {"GET": "ListTags", "POST": "TagResource"}.get(method, "UntagResource")
        return {"GET": "GetFunction", "DELETE": "DeleteFunction"}.get(method, method + " " + path)
    if service == "apigateway":
        if path.rstrip("/") == "/restapis":
            return "GetRestApis" if method == "GET" else "CreateRestApi"
        if re.fullmatch(r"/restapis/[^/]+/stages/?", path):
            return "GetStages" if method == "GET" else "CreateStage"
        if re.fullmatch(r"/restapis/[^/]+/stages/[^/]+", path):
            return {"GET": "GetStage", "PATCH": "UpdateStage", "DELETE": "DeleteStage"}.get(method, method + " " + path)
        # API Gateway v2 (HTTP and WebSocket APIs) signs as apigateway too.
        if path.rstrip("/") == "/v2/apis":
            return "GetApis" if method == "GET" else "CreateApi"
        if re.fullmatch(r"/v2/apis/[^/]+/stages/?", path):
            return "GetStages" if method == "GET" else "CreateStage"
        return method + " " + path
    if service == "appsync":
        if path.rstrip("/") == "/v1/apis":
            return "ListGraphqlApis" if method == "GET" else "CreateGraphqlApi"
        return method + " " + path
    if service == "xray":
        return {"EncryptionConfig": "GetEncryptionConfig"}.get(path.strip("/"), path.strip("/"))
    if service == "account":  # REST JSON, one path per operation: POST /listRegions
        name = path.strip("/")
        return name[:1].upper() + name[1:]
    return method + " " + path


def forward(port, method, path, headers, body):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body or None, method=method)
    for k, v in dict(headers).items():
        if k.lower() not in ("host", "content-length", "connection"):
            req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, relay_headers(resp.headers), resp.read()
    except urllib.error.HTTPError as e:
        return e.code, relay_headers(e.headers), e.read()


def relay_headers(headers):
    skip = ("content-length", "transfer-encoding", "connection", "server", "date")
    return {k: v for k, v in headers.items() if k.lower() not in skip}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, default=0)
    a = ap.parse_args()
    moto_port = free_port()
    ThreadedMotoServer(ip_address="127.0.0.1", port=moto_port, verbose=False).start()
    Handler.moto_port = moto_port
    server = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    server.daemon_threads = True
    print(f"READY {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
