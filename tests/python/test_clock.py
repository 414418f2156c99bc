"""Derived state over time: a file database reopened with the `now` option moved forward (CONTRACT
§1, §5, §7). Heartbeat status healthy -> unhealthy after heartbeatTimeoutSeconds; deploy results
created -> pending -> running -> succeeded at +0/+10/+30/+120 s (or the configured durations)."""

import pytest

from cpep_support import (
    AGENT_SETTING,
    NOW,
    TENANT,
    cpep,
    create,
    global_admin,
    iso,
    instant,
    new_guid,
    reader,
    writer,
)


class Clock:
    """Opens the database at ``path`` with the engine's clock frozen at NOW + seconds."""

    def __init__(self, path, **options):
        self.path = path
        self.options = options

    def at(self, seconds, **options):
        return cpep.Engine(self.path, now=instant(seconds), **dict(self.options, **options))


@pytest.fixture
def clock(db_path):
    return Clock(db_path, idSeed="clock", durability="normal")


def status(engine, partner):
    got = engine.get_external_partner(reader(), partner["id"])
    return got["connectionStatus"], got["statusDetails"], got["lastSyncDateTime"]


HEALTHY = "The external partner is healthy"
AVAILABLE = "The external partner is available"


def since(seconds):
    return "The external partner has not sent a heartbeat since %s" % iso(seconds)


def test_heartbeat_status_with_the_default_timeout(clock):
    with clock.at(0) as engine:
        partner = create(engine)
        assert status(engine, partner) == ("available", AVAILABLE, NOW)
    with clock.at(100) as engine:
        assert status(engine, partner) == ("available", AVAILABLE, NOW)  # no heartbeat yet
        engine.heartbeat(cpep.partner_caller(TENANT), partner["partnerId"])
        assert status(engine, partner) == ("healthy", HEALTHY, iso(100))
    with clock.at(100 + 899) as engine:
        assert status(engine, partner) == ("healthy", HEALTHY, iso(100))
    with clock.at(100 + 900) as engine:  # the heartbeat is no longer younger than 900 s
        assert status(engine, partner) == ("unhealthy", since(100), iso(100))
        # The list derives the same status at read time.
        [listed] = engine.list_external_partners(reader())
        assert listed["connectionStatus"] == "unhealthy"
        # A new heartbeat makes it healthy again.
        engine.heartbeat(cpep.partner_caller(TENANT), partner["partnerId"])
        assert status(engine, partner) == ("healthy", HEALTHY, iso(1000))
    with clock.at(5000) as engine:
        assert status(engine, partner) == ("unhealthy", since(1000), iso(1000))


def test_heartbeat_timeout_is_an_engine_option(clock):
    with clock.at(0, heartbeatTimeoutSeconds=60) as engine:
        partner = create(engine)
        engine.heartbeat(cpep.partner_caller(TENANT), partner["partnerId"])
    with clock.at(59, heartbeatTimeoutSeconds=60) as engine:
        assert status(engine, partner)[0] == "healthy"
    with clock.at(60, heartbeat_timeout_seconds=60) as engine:
        assert status(engine, partner) == ("unhealthy", since(0), NOW)
    # The timeout is not stored: the same facts read with the default are still healthy.
    with clock.at(60) as engine:
        assert status(engine, partner)[0] == "healthy"


def test_disable_and_reenable_forget_heartbeats(clock):
    with clock.at(0) as engine:
        partner = create(engine)
        engine.heartbeat(cpep.partner_caller(TENANT), partner["partnerId"])
    with clock.at(2000) as engine:
        assert status(engine, partner)[0] == "unhealthy"
        engine.update_external_partner(writer(), partner["id"], False)
        assert status(engine, partner) == (
            "notAvailable", "The external partner connection is disabled", None)
    with clock.at(2500) as engine:
        engine.update_external_partner(writer(), partner["id"], True)
    with clock.at(9000) as engine:
        # Enabled at +2500 with no heartbeat since: available, synced at the enabling instant.
        assert status(engine, partner) == ("available", AVAILABLE, iso(2500))


def test_status_survives_reopen_without_now(db_path):
    with cpep.Engine(db_path, now=instant(0)) as engine:
        partner = create(engine)
        engine.heartbeat(cpep.partner_caller(TENANT), partner["partnerId"])
    # The system clock is years after NOW: the heartbeat is long stale.
    with cpep.Engine(db_path) as engine:
        assert status(engine, partner) == ("unhealthy", since(0), NOW)


# -- deployment action results -------------------------------------------------------------------

STATES = [(0, "created", 0), (9, "created", 0), (10, "pending", 10), (29, "pending", 10),
          (30, "running", 30), (119, "running", 30), (120, "succeeded", 120),
          (10000, "succeeded", 120)]


def deploy(clock, at=0, pcs=2, **options):
    with clock.at(at, **options) as engine:
        partner = create(engine)
        engine.configure_agent(global_admin(), partner["id"], AGENT_SETTING)
        activity = engine.deploy_agent(global_admin(), partner["id"],
                                       [new_guid() for _ in range(pcs)])
    return partner, activity


def test_deploy_results_follow_the_clock(clock):
    partner, activity = deploy(clock)
    for seconds, state, changed in STATES:
        with clock.at(seconds) as engine:
            results = engine.retrieve_deploy_agent_action_results(reader(), partner["id"],
                                                                  activity_id=activity)
        assert len(results) == 2
        for result in results:
            assert result["state"] == state, seconds
            assert result["errorCode"] == "none"
            assert result["activityId"] == activity
            assert result["startDateTime"] == NOW
            assert result["lastModifiedDateTime"] == iso(changed), seconds


def test_deploy_durations_are_engine_options(clock):
    options = dict(actionPendingAfterSeconds=1, actionRunningAfterSeconds=2,
                   action_succeeded_after_seconds=5)
    partner, activity = deploy(clock, **options)
    for seconds, state in [(0, "created"), (1, "pending"), (2, "running"), (4, "running"),
                           (5, "succeeded")]:
        with clock.at(seconds, **options) as engine:
            [result, _] = engine.retrieve_deploy_agent_action_results(reader(), partner["id"])
        assert result["state"] == state, seconds


def test_deploys_at_different_instants_progress_independently(clock):
    partner, first = deploy(clock, pcs=1)
    with clock.at(60) as engine:
        second = engine.deploy_agent(global_admin(), partner["id"], [new_guid()])
    with clock.at(100) as engine:
        results = {r["activityId"]: r for r in
                   engine.retrieve_deploy_agent_action_results(reader(), partner["id"])}
        reports = engine.retrieve_action_reports(reader(), partner["id"])
    assert results[first]["state"] == "running"
    assert results[second]["state"] == "running"  # 40 s after its own deploy
    assert results[second]["startDateTime"] == iso(60)
    assert results[second]["lastModifiedDateTime"] == iso(90)
    assert [(r["actionType"], r["createdDateTime"]) for r in reports] == [
        ("configureAgent", NOW), ("deployAgent", NOW), ("deployAgent", iso(60))]
