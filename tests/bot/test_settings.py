from datetime import timedelta
from pathlib import Path

import pytest

from bot.settings import MISSING_TOKEN_HELP, SettingsError, load_settings


def test_defaults_without_any_setting():
    settings = load_settings({}, env_file=None)
    assert settings.token is None
    assert settings.database_path == Path("data/kdrama.db")
    assert settings.shows_dir == Path("data/shows")
    assert settings.guild_id is None
    assert settings.log_level == "INFO"
    assert settings.api_base is None and settings.gateway_url is None
    assert settings.schedule_grace == timedelta(hours=6)


def test_schedule_grace_takes_a_duration():
    assert load_settings({"SCHEDULE_GRACE": "90m"}, env_file=None).schedule_grace == timedelta(
        minutes=90
    )


def test_env_file_is_read_and_environment_wins(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("DISCORD_TOKEN=from-file\nLOG_LEVEL=debug\nDISCORD_GUILD_ID=42\n")
    settings = load_settings({"DISCORD_TOKEN": "from-env"}, env_file=env_file)
    assert settings.token == "from-env"
    assert settings.log_level == "DEBUG"
    assert settings.guild_id == 42


def test_missing_token_explains_where_to_put_one():
    settings = load_settings({}, env_file=None)
    with pytest.raises(SettingsError) as raised:
        settings.require_token()
    assert str(raised.value) == MISSING_TOKEN_HELP
    assert ".env.example" in MISSING_TOKEN_HELP and "developer portal" in MISSING_TOKEN_HELP


def test_repr_never_shows_the_token():
    settings = load_settings({"DISCORD_TOKEN": "super-secret-token"}, env_file=None)
    assert "super-secret-token" not in repr(settings)
    assert "super-secret-token" not in str(settings)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DISCORD_GUILD_ID", "my server", "DISCORD_GUILD_ID must be a server id"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL must be one of"),
        ("DISCORD_API_BASE", "127.0.0.1:8080", "DISCORD_API_BASE must start with"),
        ("DISCORD_GATEWAY_URL", "http://x", "DISCORD_GATEWAY_URL must start with"),
        ("SCHEDULE_GRACE", "a while", "SCHEDULE_GRACE must be a duration"),
    ],
)
def test_bad_values_are_refused_with_the_setting_named(name, value, message):
    with pytest.raises(SettingsError, match=message):
        load_settings({name: value}, env_file=None)


@pytest.mark.parametrize(
    ("value", "expected"), [(None, "text"), ("json", "json"), ("JSON", "json")]
)
def test_log_format_is_text_by_default_or_json(value, expected):
    environ = {} if value is None else {"LOG_FORMAT": value}
    assert load_settings(environ, env_file=None).log_format == expected


def test_an_unknown_log_format_is_refused_with_both_choices_named():
    with pytest.raises(SettingsError, match="LOG_FORMAT must be text or json, not 'xml'"):
        load_settings({"LOG_FORMAT": "xml"}, env_file=None)
