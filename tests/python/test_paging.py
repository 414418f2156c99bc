"""list_external_partners across pages: the iterator follows @odata.nextLink (pages of at most 100),
gives every entity once in creation order, and exposes @odata.count."""

import pytest

from cpep_support import OTHER_TENANT, PARTNERS, TENANT, cpep, create, reader, writer

TOTAL = 250


@pytest.fixture(scope="module")
def populated():
    """An in-memory engine with TOTAL partners of TENANT (every third one disabled) and a few of
    OTHER_TENANT, created in between. Module-scoped: only read by the tests below."""
    with cpep.Engine(now="2020-11-03T12:43:14Z", idSeed="paging") as engine:
        created = []
        for i in range(TOTAL):
            created.append(create(engine, enable=i % 3 != 0))
            if i % 50 == 0:
                create(engine, caller=cpep.app_caller(OTHER_TENANT))
        yield engine, created


def ids(partners):
    return [p["id"] for p in partners]


def test_iterator_follows_next_links_in_creation_order(populated):
    engine, created = populated
    partners = engine.list_external_partners(reader())
    assert iter(partners) is partners
    listed = list(partners)
    assert ids(listed) == ids(created)
    assert partners.pages_fetched == 3  # 100 + 100 + 50
    for got, want in zip(listed, created):
        assert got == {k: v for k, v in want.items() if k != "@odata.context"}


def test_raw_pages(populated):
    engine, created = populated
    pages = list(engine.list_external_partners(reader(), count=True).pages())
    assert [len(p["value"]) for p in pages] == [100, 100, 50]
    assert all("@odata.nextLink" in p for p in pages[:-1])
    assert "@odata.nextLink" not in pages[-1]
    assert pages[0]["@odata.count"] == TOTAL
    assert ids(v for p in pages for v in p["value"]) == ids(created)
    # The page function gives the same pages, one request at a time.
    page = engine.list_external_partners_page(reader(), count=True)
    assert page == pages[0]
    second = engine.list_external_partners_page(reader(), next_link=page["@odata.nextLink"])
    assert ids(second["value"]) == ids(pages[1]["value"])


def test_count_before_and_after_iterating(populated):
    engine, created = populated
    partners = engine.list_external_partners(reader(), count=True)
    assert partners.count == TOTAL
    assert partners.pages_fetched == 1
    assert ids(partners) == ids(created)  # reading count consumed nothing
    assert partners.count == TOTAL
    assert partners.pages_fetched == 3


def test_count_with_filter_top_and_skip(populated):
    engine, created = populated
    enabled = [p for p in created if p["enableConnection"]]
    partners = engine.list_external_partners(reader(), filter="enableConnection eq true",
                                             top=150, skip=10, count=True)
    assert partners.count == len(enabled)
    assert ids(partners) == ids(enabled[10:160])
    assert partners.pages_fetched == 2


@pytest.mark.parametrize("top", [1, 99, 100, 101, 200, 249, 250, 999])
def test_top_caps_the_total_across_pages(populated, top):
    engine, created = populated
    partners = engine.list_external_partners(reader(), top=top)
    assert ids(partners) == ids(created[:top])


def test_skip_applies_to_the_first_request_only(populated):
    engine, created = populated
    assert ids(engine.list_external_partners(reader(), skip=120)) == ids(created[120:])
    assert list(engine.list_external_partners(reader(), skip=TOTAL)) == []


def test_select_across_pages(populated):
    engine, created = populated
    listed = list(engine.list_external_partners(reader(), select=["partnerId"]))
    assert [(p["id"], p["partnerId"]) for p in listed] == [
        (p["id"], p["partnerId"]) for p in created]
    assert {frozenset(p) for p in listed} == {frozenset({"@odata.type", "id", "partnerId"})}


def test_other_tenant_sees_only_its_own(populated):
    engine, created = populated
    theirs = engine.list_external_partners(cpep.app_caller(OTHER_TENANT, roles=[cpep.READ]),
                                           count=True)
    assert theirs.count == 5
    assert not set(ids(theirs)) & set(ids(created))


def test_next_link_is_useless_to_another_tenant(populated):
    engine, created = populated
    link = engine.list_external_partners_page(reader())["@odata.nextLink"]
    with pytest.raises(cpep.GraphError) as caught:
        engine.list_external_partners_page(cpep.app_caller(OTHER_TENANT), next_link=link)
    error = caught.value
    assert (error.status, error.inner_code) == (400, "invalidQueryOption")
    assert not any(p["id"] in str(error.body) or p["partnerId"] in str(error.body)
                   for p in created)


def test_pages_of_a_growing_collection():
    """Keyset paging: partners created while iterating appear after those already listed, and
    nothing is listed twice."""
    with cpep.Engine() as engine:
        before = [create(engine) for _ in range(150)]
        partners = engine.list_external_partners(reader())
        first = [next(partners) for _ in range(100)]
        engine.delete_external_partner(writer(), before[0]["id"])  # already listed
        later = [create(engine) for _ in range(10)]
        rest = list(partners)
    listed = ids(first + rest)
    assert len(listed) == len(set(listed))
    assert listed == ids(before) + ids(later)


def test_raw_spaces_and_percent_encoding_are_equivalent(populated):
    engine, created = populated
    enabled = [p["id"] for p in created if p["enableConnection"]][:5]
    for query in ("$filter=enableConnection eq true&$top=5",
                  "$filter=enableConnection%20eq%20true&$top=5",
                  "%24filter=enableConnection%20eq%20true&%24top=5"):
        response = engine.request("GET", PARTNERS + "?" + query, reader())
        assert response.status == 200, (query, response.body)
        assert ids(response.body["value"]) == enabled, query


def test_an_error_on_a_later_page_is_raised(populated):
    engine, _ = populated
    partners = engine.list_external_partners(reader())
    next(partners)
    partners._caller = cpep.app_caller(TENANT, roles=["User.Read.All"])
    for _ in range(99):
        next(partners)
    with pytest.raises(cpep.GraphError) as caught:
        next(partners)
    assert caught.value.status == 403
