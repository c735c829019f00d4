"""`make check` reads the data of the charts pages show, without building the site."""

import subprocess

from support.chart_sites import chart_site, real_data
from support.sites import ROOT, script

CHECK = script("check")
CHART = "fraude-sociale-fiscale"


def run_check(project):
    result = subprocess.run([*CHECK, "--root", str(project)], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    return result.returncode, result.stdout


def test_chart_data_is_checked(tmp_path):
    csv_text = real_data(CHART)[f"{CHART}.csv"].replace("Fraude fiscale,80,", "Fraude fiscale,x,")
    meta = real_data(CHART)[f"{CHART}.yml"].replace("source: lqdn_2021", "source: lqdn2021")
    project = chart_site(tmp_path, chart_ids=(CHART,),
                         data={f"{CHART}.csv": csv_text, f"{CHART}.yml": meta})
    code, out = run_check(project)
    assert code == 1
    assert f"data/{CHART}.csv:3:2: colonne `bas` : « x » refusé, un nombre attendu" in out, out
    assert f"data/{CHART}.yml:4: source inconnue `lqdn2021` — vouliez-vous dire `lqdn_2021`" \
        in out, out


def test_charts_with_good_data_pass(tmp_path):
    code, out = run_check(chart_site(tmp_path))
    assert code == 0, out
    assert "aucun problème" in out
