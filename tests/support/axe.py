"""axe-core, injected inline into a page of the built site (node_modules/, installed by `npm ci`), and how its
violations are printed. Used by the accessibility and the readability tests.
"""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
REPORTS = ROOT / "test-artifacts" / "site"
FAILING_IMPACTS = ("moderate", "serious", "critical")

# Every rule axe runs by default (WCAG 2.0/2.1/2.2 A and AA, plus best practices); the result is reduced to
# what the report needs so a page's full DOM never crosses into Python.
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations', 'passes']});
  return {
    version: axe.version,
    passes: result.passes.map((rule) => rule.id),
    violations: result.violations.map((rule) => ({
      id: rule.id, impact: rule.impact, help: rule.help, helpUrl: rule.helpUrl, tags: rule.tags,
      nodes: rule.nodes.map((node) => ({
        impact: node.impact, target: node.target, html: node.html.slice(0, 300),
        summary: node.failureSummary,
      })),
    })),
  };
}"""


def format_violations(page: str, violations: list[dict]) -> list[str]:
    lines = []
    for rule in violations:
        lines.append(f"{page}: {rule['id']} [{rule['impact']}] {rule['help']} ({len(rule['nodes'])} elements)")
        for node in rule["nodes"]:
            lines.append(f"    {' >> '.join(node['target'])}  [{node['impact']}]")
            lines.append(f"        {' '.join((node['summary'] or '').split())}")
    return lines
