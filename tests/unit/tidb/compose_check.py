#!/usr/bin/env python3
"""Checks docker-compose.yml and the Grafana provisioning with a YAML parser:
the services, the pinned TiDB tag, the ports, the mounts. (`docker compose
config` is not available where the suite runs.) Exits non-zero on a problem."""
import os
import re
import sys

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
errors = []


def check(cond, msg):
    if not cond:
        errors.append(msg)


def load(rel):
    with open(os.path.join(ROOT, rel), encoding="utf-8") as f:
        return yaml.safe_load(f)


compose = load("docker-compose.yml")
services = compose.get("services", {})
want = {"pd", "tikv", "tidb", "mysql", "mariadb", "prometheus", "grafana"}
check(want <= set(services), f"services missing: {sorted(want - set(services))}")

# The three TiDB components share one pinned v8.5.x tag.
tags = {}
for name, repo in (("pd", "pingcap/pd"), ("tikv", "pingcap/tikv"), ("tidb", "pingcap/tidb")):
    image = services.get(name, {}).get("image", "")
    m = re.fullmatch(re.escape(repo) + r":(v8\.5\.\d+)", image)
    check(m is not None, f"{name}: image {image!r} is not {repo}:v8.5.x")
    if m:
        tags[name] = m.group(1)
check(len(set(tags.values())) == 1, f"TiDB components use different tags: {tags}")
check(services.get("mysql", {}).get("image") == "mysql:8.4", "mysql must be mysql:8.4")
check(services.get("mariadb", {}).get("image") == "mariadb:10.11", "mariadb must be mariadb:10.11")
for name in ("prometheus", "grafana"):
    image = services.get(name, {}).get("image", "")
    check(":" in image and not image.endswith(":latest"), f"{name}: image {image!r} not pinned")


def ports(name):
    return [str(p) for p in services.get(name, {}).get("ports", [])]


check("4000:4000" in ports("tidb"), "tidb must publish SQL port 4000")
check("10080:10080" in ports("tidb"), "tidb must publish status port 10080")
check("3306:3306" in ports("mysql"), "mysql must publish 3306")
check(any(p.endswith(":3306") for p in ports("mariadb")), "mariadb must publish its 3306")
check("9090:9090" in ports("prometheus"), "prometheus must publish 9090")
check("3000:3000" in ports("grafana"), "grafana must publish 3000")
host_ports = [p.split(":")[0] for s in services for p in ports(s)]
check(len(host_ports) == len(set(host_ports)), f"host port clash: {host_ports}")

tidb_cmd = " ".join(str(a) for a in services.get("tidb", {}).get("command", []))
check("--store=tikv" in tidb_cmd and "--path=pd:2379" in tidb_cmd,
      "tidb must run with --store=tikv --path=pd:2379")
tikv_cmd = " ".join(str(a) for a in services.get("tikv", {}).get("command", []))
check("--pd=pd:2379" in tikv_cmd, "tikv must point at pd:2379")


def depends(name):
    d = services.get(name, {}).get("depends_on", [])
    return set(d if isinstance(d, list) else d.keys())


check("pd" in depends("tikv") and "tikv" in depends("tidb"), "start order pd -> tikv -> tidb")
check("host.docker.internal:host-gateway" in services.get("prometheus", {}).get("extra_hosts", []),
      "prometheus needs host.docker.internal to scrape sluice on the host")

# Bind mounts: every source must exist in the repository.
named = set((compose.get("volumes") or {}).keys())
mounts = {}
for name, svc in services.items():
    for v in svc.get("volumes", []):
        src, dst = str(v).split(":")[:2]
        if src in named:
            continue
        mounts[dst] = src
        check(os.path.exists(os.path.join(ROOT, src)), f"{name}: mount source {src} does not exist")
check(mounts.get("/etc/prometheus/prometheus.yml") == "./deploy/prometheus.yml",
      "prometheus must load deploy/prometheus.yml")
check(mounts.get("/etc/grafana/provisioning") == "./deploy/grafana/provisioning",
      "grafana must load deploy/grafana/provisioning")

prom = load("deploy/prometheus.yml")
targets = [t for job in prom.get("scrape_configs", []) for sc in job.get("static_configs", [])
           for t in sc.get("targets", [])]
check("tidb:10080" in targets, "prometheus must scrape TiDB's status port tidb:10080")
check(any(t.startswith("host.docker.internal:") for t in targets),
      "prometheus must scrape sluice on host.docker.internal")

ds = load("deploy/grafana/provisioning/datasources/prometheus.yml")
sources = ds.get("datasources", [])
check(any(s.get("type") == "prometheus" and s.get("url") == "http://prometheus:9090"
          for s in sources), "grafana data source must point at http://prometheus:9090")
dash = load("deploy/grafana/provisioning/dashboards/sluice.yml")
paths = [p.get("options", {}).get("path") for p in dash.get("providers", [])]
dash_dir = "/var/lib/grafana/dashboards/sluice"
check(dash_dir in paths, "dashboard provider must read " + dash_dir)
check(any(dst.startswith(dash_dir + "/") for dst in mounts), "sluice.json must be mounted there")

if errors:
    for e in errors:
        print("compose_check:", e)
    sys.exit(1)
print(f"compose_check: ok ({len(services)} services, TiDB {next(iter(tags.values()))})")
