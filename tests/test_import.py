from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from salaries.models import ImportBatch, Level, Role, RoleAlias, SalaryObservation

SHARED_CSV = (
    Path(__file__).resolve().parents[2] / "shared" / "data" / "aijobs-salaries-2025-01-19.csv"
)
HEADER = (
    "work_year,experience_level,employment_type,job_title,salary,salary_currency,"
    "salary_in_usd,employee_residence,remote_ratio,company_location,company_size"
)
GOOD = "2024,MI,FT,Data Scientist,120000,USD,120000,US,0,US,M"

# Survey titles that name no role (the seed's role_titles.csv files them under the general role).
GENERAL_TITLES = {
    "Engineer", "Manager", "Analyst", "Associate", "Consultant", "Stage", "Bear Robotics",
    "Data Specialist", "Technical Specialist", "Research Assistant", "Research Associate",
    "Principal Application Delivery Consultant", "Enterprise Account Executive",
    "Sales Development Representative", "Business Development Manager",
}  # fmt: skip
pytestmark = pytest.mark.usefixtures("reference_data")


def write(tmp_path, *lines, name="salaries.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def run_import(path, *args):
    return call_command("import_salaries", str(path), "--format", "aijobs", *args)


def test_a_sample_of_the_survey_imports_and_reimports_without_duplicates(tmp_path, capsys):
    if SHARED_CSV.exists():
        lines = SHARED_CSV.read_text().splitlines()[:501]
    else:
        lines = [HEADER] + [GOOD] * 500
    path = write(tmp_path, *lines)
    run_import(path)
    assert SalaryObservation.objects.count() == 500
    run_import(path)
    assert SalaryObservation.objects.count() == 500
    assert "0 added, 500 already present" in capsys.readouterr().out
    assert ImportBatch.objects.get().rows_added == 500


def test_identical_answers_from_different_people_are_all_kept(tmp_path):
    run_import(write(tmp_path, HEADER, GOOD, GOOD, GOOD))
    assert SalaryObservation.objects.count() == 3


def test_a_row_is_stored_raw_and_normalized(tmp_path):
    run_import(write(tmp_path, HEADER, "2024,SE,CT,Quantum Whisperer,60000,GBP,76000,IN,50,GB,L"))
    observation = SalaryObservation.objects.select_related("role", "exchange_rate").get()
    # A title no alias knows is filed under the general role, as the source gave it.
    assert (observation.role.general, observation.source_title) == (True, "Quantum Whisperer")
    assert observation.level == Level.SENIOR
    assert observation.employment_type == "contract"
    assert (observation.employee_country.code, observation.company_country.code) == ("IN", "GB")
    assert observation.amount == 60000 and observation.currency_id == "GBP"
    assert observation.source_amount_usd == 76000
    assert observation.remote_ratio == 50 and observation.company_size == "L"
    rate = observation.exchange_rate.units_per_usd
    assert observation.usd_yearly == pytest.approx(60000 / float(rate), abs=0.01)
    assert observation.ppp_yearly is not None  # an Indian resident: priced with India's factor


def test_an_alias_maps_a_title_onto_an_existing_role(tmp_path):
    role = Role.objects.get(name="Machine Learning Engineer")
    RoleAlias.objects.create(name="model plumber", role=role)
    run_import(write(tmp_path, HEADER, "2024,SE,FT,Model Plumber,150000,USD,150000,US,0,US,L"))
    assert SalaryObservation.objects.get().role == role
    assert not Role.objects.filter(name="Model Plumber").exists()


BAD_ROWS = {
    "work_year": ("1850,MI,FT,Data Scientist,1,USD,1,US,0,US,M", "work_year 1850 is outside"),
    "level": ("2024,XX,FT,Data Scientist,1,USD,1,US,0,US,M", "experience_level 'XX' is not one"),
    "employment": ("2024,MI,ZZ,Data Scientist,1,USD,1,US,0,US,M", "employment_type 'ZZ'"),
    "title": ("2024,MI,FT,,1,USD,1,US,0,US,M", "job_title is empty"),
    "negative": ("2024,MI,FT,Data Scientist,-5,USD,1,US,0,US,M", "salary must be a positive"),
    "not a number": (
        "2024,MI,FT,Data Scientist,lots,USD,1,US,0,US,M",
        "salary 'lots' is not a number",
    ),
    "currency": (
        "2024,MI,FT,Data Scientist,1,XYZ,1,US,0,US,M",
        "salary_currency 'XYZ' is not a known ISO 4217",
    ),
    "country": (
        "2024,MI,FT,Data Scientist,1,USD,1,ZZ,0,US,M",
        "employee_residence 'ZZ' is not an ISO 3166",
    ),
    "remote": ("2024,MI,FT,Data Scientist,1,USD,1,US,70,US,M", "remote_ratio '70'"),
    "size": ("2024,MI,FT,Data Scientist,1,USD,1,US,0,US,XL", "company_size 'XL'"),
    "fields": ("2024,MI,FT,Data Scientist,1,USD", "expected 11 fields"),
    "control": ("2024,MI,FT,Data\0Scientist,1,USD,1,US,0,US,M", "job_title contains control"),
    "european decimals": (
        '2024,MI,FT,Data Scientist,"1.234,56",USD,1,US,0,US,M',
        "salary '1.234,56': use a dot for decimals",
    ),
    "huge": (
        "2024,MI,FT,Data Scientist,1e30,USD,1,US,0,US,M",
        "salary '1e30' is implausibly large",
    ),
}


@pytest.mark.parametrize("kind", BAD_ROWS)
def test_each_bad_row_is_reported_with_its_line_and_nothing_is_imported(tmp_path, capsys, kind):
    row, reason = BAD_ROWS[kind]
    path = write(tmp_path, HEADER, GOOD, row, GOOD)
    with pytest.raises(CommandError, match="1 of 3 rows are invalid; nothing was imported"):
        run_import(path)
    assert f"line 3: {reason}" in capsys.readouterr().err
    assert SalaryObservation.objects.count() == 0
    assert ImportBatch.objects.count() == 0


def test_skip_invalid_imports_the_good_rows_and_records_the_rejects(tmp_path, capsys):
    path = write(tmp_path, HEADER, GOOD, BAD_ROWS["currency"][0], GOOD.replace("2024", "2023"))
    run_import(path, "--skip-invalid")
    assert SalaryObservation.objects.count() == 2
    assert "line 3:" in capsys.readouterr().err
    assert ImportBatch.objects.get().rows_rejected == 1


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "is empty"),
        (b"name,pay\r\nAda,100\r\n", "missing column(s) work_year"),
        ((HEADER + ",extra\r\n").encode(), "unexpected column(s) extra"),
        ((HEADER + "\r\n" + GOOD.replace("Data", "Donn\xe9es")).encode("latin-1"), "not UTF-8"),
        (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "not UTF-8 text"),
    ],
    ids=["empty", "wrong columns", "extra column", "bad encoding", "binary"],
)
def test_a_malformed_file_gives_a_clear_message(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run_import(path)
    assert SalaryObservation.objects.count() == 0


def test_a_missing_file_gives_a_clear_message(tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        run_import(tmp_path / "nope.csv")


def test_generic_format_with_monthly_pay_company_and_city(tmp_path):
    path = write(
        tmp_path,
        "job_title,country,city,year,amount,currency,period,level,years_experience,company",
        "Machine Learning Engineer,NP,Kathmandu,2025,150000,NPR,month,senior,6,Fusemachines",
    )
    call_command("import_salaries", str(path), "--source", "nepal-blog-2026")
    observation = SalaryObservation.objects.select_related("city", "company").get()
    assert observation.yearly_amount == 1_800_000
    assert observation.city.name == "Kathmandu" and observation.company.name == "Fusemachines"
    assert observation.years_experience == 6
    assert 10_000 < observation.usd_yearly < 16_000


def test_generic_format_needs_a_source(tmp_path):
    path = write(tmp_path, "job_title,country,year,amount,currency,period")
    with pytest.raises(CommandError, match="--source is required"):
        call_command("import_salaries", str(path))


@pytest.mark.slow  # 74,000 rows: ~13 s
@pytest.mark.skipif(not SHARED_CSV.exists(), reason="../shared/data is not present")
def test_the_whole_survey_imports(capsys):
    run_import(SHARED_CSV)
    assert SalaryObservation.objects.count() == 74_301
    assert SalaryObservation.objects.filter(usd_yearly__isnull=True).count() == 0
    # Every title of the survey is mapped: nothing falls to the general role unplanned, and
    # no title becomes a role of its own.
    assert Role.objects.count() == 31
    general = SalaryObservation.objects.filter(role__general=True)
    unplanned = set(general.values_list("source_title", flat=True)) - GENERAL_TITLES
    assert not unplanned


def test_unknown_titles_never_become_roles_and_a_titles_case_does_not_matter(tmp_path):
    rows = [
        "2024,MI,FT,数据科学家,100000,USD,100000,CN,0,CN,M",
        "2024,MI,FT,ML/AI,100000,USD,100000,US,0,US,M",
        "2024,MI,FT,data scientist,100000,USD,100000,US,0,US,M",
        "2024,MI,FT,Data Scientist,100000,USD,100000,US,0,US,M",
    ]
    roles = Role.objects.count()
    run_import(write(tmp_path, HEADER, *rows))
    assert Role.objects.count() == roles
    filed = dict(SalaryObservation.objects.values_list("source_title", "role__slug"))
    assert filed == {
        "数据科学家": "unspecified",
        "ML/AI": "unspecified",
        "data scientist": "data-scientist",
        "Data Scientist": "data-scientist",
    }


def test_a_lead_machine_learning_engineer_counts_as_one_at_lead_level(tmp_path):
    """The title holds the level: it wins over the survey's own column (SE here)."""
    run_import(write(tmp_path, HEADER, "2024,SE,FT,Lead Machine Learning Engineer,200000,USD,"
                                       "200000,US,0,US,M"))  # fmt: skip
    row = SalaryObservation.objects.select_related("role").get()
    assert (row.role.slug, row.level) == ("machine-learning-engineer", Level.LEAD)
    assert row.source_title == "Lead Machine Learning Engineer"


def test_an_hourly_rate_too_large_for_a_year_is_a_row_error(tmp_path, capsys):
    path = write(
        tmp_path,
        "job_title,country,year,amount,currency,period",
        "Data Scientist,US,2024,900000000000,USD,hour".replace("900000000000", "900000000"),
    )
    with pytest.raises(CommandError):
        call_command("import_salaries", str(path), "--source", "aijobs")
    assert "line 2: amount 900000000.00 hourly is implausibly large over a year" in (
        capsys.readouterr().err
    )


def test_a_restated_row_reimports_as_the_same_observation(tmp_path, capsys):
    run_import(write(tmp_path, HEADER, "2024,SE,FT,Data Scientist,60000,GBP,76000,GB,0,GB,M"))
    first = SalaryObservation.objects.get()
    # The next release formats the salary differently and restates its own dollar figure.
    restated = "2024,SE,FT,Data Scientist,60000.00,GBP,75500,GB,0,GB,M"
    run_import(write(tmp_path, HEADER, restated, name="next.csv"))
    assert SalaryObservation.objects.count() == 1
    again = SalaryObservation.objects.get()
    assert again.pk == first.pk and again.source_amount_usd == 75500
    assert "1 already present (1 restated and updated)" in capsys.readouterr().out


def test_replace_makes_a_file_the_sources_new_snapshot(tmp_path, capsys):
    stays = "2024,SE,FT,Data Scientist,60000,GBP,76000,GB,0,GB,M"
    goes = "2024,MI,FT,Data Scientist,40000,GBP,50000,GB,0,GB,M"
    run_import(write(tmp_path, HEADER, stays, goes, GOOD))
    assert SalaryObservation.objects.count() == 3
    arrives = "2025,EN,FT,Data Analyst,30000,GBP,38000,GB,0,GB,S"
    run_import(write(tmp_path, HEADER, stays, GOOD, arrives, name="next.csv"), "--replace")
    assert SalaryObservation.objects.count() == 3
    assert not SalaryObservation.objects.filter(amount=40000).exists()
    assert SalaryObservation.objects.filter(role__name="Data Analyst").exists()
    out = capsys.readouterr().out
    assert "1 added, 2 already present" in out.splitlines()[-1] and "1 removed" in out
