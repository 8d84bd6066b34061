#!/usr/bin/env python3
"""Distinct user access tokens for the token-exchange benchmark: signs in once through the
login page as a browser does, then runs the authorization code flow (with PKCE) once per
token in that session.

  bench/user-tokens.py <base-url> <count> > tokens.txt
"""
import base64
import hashlib
import http.client
import re
import sys
import urllib.parse

BASE = urllib.parse.urlsplit(sys.argv[1])
COUNT = int(sys.argv[2])
CLIENT = ("bench-web", "bench-web-secret-at-least-32-characters-x")
REDIRECT = "http://127.0.0.1:1/callback"
VERIFIER = "bench-verifier-0123456789-0123456789-0123456789"
CHALLENGE = base64.urlsafe_b64encode(hashlib.sha256(VERIFIER.encode()).digest()).decode().rstrip("=")
AUTHORIZE = "/oauth2/authorize?" + urllib.parse.urlencode({
    "response_type": "code", "client_id": CLIENT[0], "scope": "openid profile", "state": "s",
    "redirect_uri": REDIRECT, "code_challenge": CHALLENGE, "code_challenge_method": "S256"})
BASIC = "Basic " + base64.b64encode(f"{CLIENT[0]}:{CLIENT[1]}".encode()).decode()

connection = http.client.HTTPConnection(BASE.hostname, BASE.port)
cookies = {}


def call(method, path, body=None, headers=None):
    headers = dict(headers or {})
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        body = urllib.parse.urlencode(body)
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    content = response.read().decode("utf-8", "replace")
    for header, value in response.getheaders():
        if header.lower() == "set-cookie":
            name, _, rest = value.partition("=")
            cookies[name] = rest.split(";", 1)[0]
    return response, content


call("GET", AUTHORIZE)
_, page = call("GET", "/login")
csrf = re.search(r'name="_csrf" value="([^"]*)"', page).group(1)
call("POST", "/login", {"username": "bench-user", "password": "bench-user-password-2026", "_csrf": csrf})
for _ in range(COUNT):
    response, _ = call("GET", AUTHORIZE)
    location = response.getheader("Location") or ""
    code = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query).get("code")
    if not code:
        sys.exit(f"no authorization code: {response.status} {location}")
    response, content = call("POST", "/oauth2/token", {
        "grant_type": "authorization_code", "code": code[0], "redirect_uri": REDIRECT,
        "code_verifier": VERIFIER}, {"Authorization": BASIC})
    token = re.search(r'"access_token":"([^"]+)"', content)
    if not token:
        sys.exit(f"no access token: {response.status}")
    print(token.group(1))
