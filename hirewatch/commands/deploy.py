"""`hirewatch deploy`: the crawler as an egg on every Scrapyd node."""
from __future__ import annotations

import sys

import click

from hirewatch import wiring
from hirewatch.cli import EXIT_OK, EXIT_RUN_PROBLEM, cli, fail, get_config
from hirewatch.deploy import build_egg, deploy as upload, node_egg


@cli.command()
@click.option("--check", is_flag=True, help="Only report which nodes run an older egg, or none (exit 1 if any).")
@click.pass_context
def deploy(ctx: click.Context, check: bool) -> None:
    """Build the crawler as a Scrapyd egg and upload it to every node that lacks it."""
    config = get_config(ctx)
    if config.runner.kind != "scrapyd":
        fail("deploy needs Scrapyd nodes: set runner: {kind: scrapyd, nodes: [http://HOST:6800]} in the config")
    egg = build_egg()
    version = egg.version()
    project = config.runner.project
    reports = [node_egg(node, project, egg) if check else upload(node, project, egg, version)
               for node in wiring.scrapyd_nodes(config)]
    for report in reports:
        click.echo(report.line)
    sys.exit(EXIT_OK if all(r.ok for r in reports) else EXIT_RUN_PROBLEM)
