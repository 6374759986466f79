"""Knowledge base in the service desk: index freshness, audiences, thresholds, misses,
import/export."""

from datetime import datetime, timedelta

import pytest

from servicedesk.knowledge.misses import mask_personal
from servicedesk.knowledge.search import KbIndex, character_grams
from tests.servicedesk.seeded_app import seeded_client

NOW = datetime(2026, 11, 21, 12, 0)
BOT = {"Authorization": "Bearer t"}
VIP = {**BOT, "X-Customer-Token": "demo-vip-zhangwei"}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    return seeded_client(tmp_path_factory.mktemp("kb"), "t", NOW)


@pytest.fixture(scope="module")
def staff(client):
    login = client.post(
        "/api/agent/login", json={"username": "lead", "password": "lead-demo"}
    )
    return {"X-Agent-Token": login.json()["token"]}


def ask(client, query, headers=BOT, **extra):
    return client.post(
        "/api/kb/answer", json={"query": query, **extra}, headers=headers
    ).json()


def test_the_seed_answers_paraphrases_and_suggests_when_unsure(client):
    answered = ask(client, "退钱要多久才到账")
    assert answered["outcome"] == "answer"
    assert answered["entry"]["question"] == "退款多久到账？"
    unsure = ask(client, "积分")
    assert unsure["outcome"] == "suggest"
    assert "积分怎么获得和使用？" in [s["question"] for s in unsure["suggestions"]]
    assert len(unsure["suggestions"]) <= 3
    assert ask(client, "帮我写一篇作文")["outcome"] == "none"


def test_a_confident_sub_intent_picks_its_entry(client):
    keyed = ask(client, "随便", key="warranty", key_confidence=0.95)
    assert keyed["entry"]["question"] == "保修期多久？"
    unsure_key = ask(client, "火星上有水吗", key="warranty", key_confidence=0.3)
    assert unsure_key["outcome"] == "none"


def test_gift_and_promotion_questions_have_their_own_entries(client):
    gift = ask(client, "赠品需要备注吗", key="gift_policy", key_confidence=0.9)
    assert gift["outcome"] == "answer" and "无需备注" in gift["entry"]["answer"]
    rules = ask(client, "满199减20怎么没减", key="promotion_rules", key_confidence=0.9)
    assert rules["entry"]["question"] == "满减活动怎么计算？"


def test_audience_answers_with_the_customers_data(client):
    plain = ask(client, "运费怎么收")["entry"]["answer"]
    vip = ask(client, "运费怎么收", headers=VIP)["entry"]["answer"]
    assert plain.startswith("全场实付满 99 元包邮")
    assert vip.startswith("张*您好，您是 VIP 会员")
    assert "{name}" not in vip


def test_an_edit_is_live_for_the_next_question(client, staff):
    question = "周年庆活动什么时候开始？"
    assert ask(client, "周年庆是哪天开始啊")["outcome"] != "answer"
    created = client.post(
        "/api/agent/kb",
        json={"question": question, "similar": ["店庆几号开始", "周年庆活动时间"],
              "answer": "周年庆活动 11 月 10 日晚 8 点开始。", "category": "优惠活动"},
        headers=staff,
    )  # fmt: skip
    assert created.status_code == 201
    entry = created.json()
    found = ask(client, "周年庆是哪天开始啊")
    assert found["outcome"] == "answer" and found["entry"]["id"] == entry["id"]

    changed = {**entry, "answer": "周年庆活动改为 11 月 9 日晚 8 点开始。"}
    path = f"/api/agent/kb/entries/{entry['id']}"
    assert client.put(path, json=changed, headers=staff).json()["version"] == 2
    assert "11 月 9 日" in ask(client, "周年庆是哪天开始啊")["entry"]["answer"]
    history = client.get(path, headers=staff).json()["history"]
    assert [h["version"] for h in history] == [2, 1]
    assert history[1]["snapshot"]["answer"].startswith("周年庆活动 11 月 10 日")

    client.put(path, json={**changed, "enabled": False}, headers=staff)
    assert ask(client, "周年庆是哪天开始啊").get("entry", {}).get("id") != entry["id"]
    expired = {
        **changed,
        "enabled": True,
        "valid_to": (NOW - timedelta(days=1)).isoformat(),
    }
    client.put(path, json=expired, headers=staff)
    assert ask(client, "周年庆是哪天开始啊").get("entry", {}).get("id") != entry["id"]


def test_unanswered_questions_are_masked_counted_and_turned_into_similar_ones(
    client, staff
):
    for _ in range(2):
        ask(client, "13812345678这个号码能参加抽奖吗")
    client.post(
        "/api/kb/feedback",
        json={"entry_id": 1, "query": "运费怎么收", "helpful": False},
        headers=BOT,
    )
    misses = client.get("/api/agent/kb/misses", headers=staff).json()["misses"]
    top = next(m for m in misses if m["text"] == "[手机号]这个号码能参加抽奖吗")
    assert top["count"] == 2 and top["kind"] == "unanswered"
    assert any(m["kind"] == "unhelpful" for m in misses)

    points = ask(client, "积分怎么获得和使用")["entry"]["id"]
    resolved = client.post(
        f"/api/agent/kb/misses/{top['id']}/resolve",
        json={"entry_id": points},
        headers=staff,
    ).json()
    assert "[手机号]这个号码能参加抽奖吗" in resolved["entry"]["similar"]
    remaining = client.get("/api/agent/kb/misses", headers=staff).json()["misses"]
    assert top["id"] not in [m["id"] for m in remaining]


def test_export_and_import_round_trip(client, staff):
    for fmt in ("yaml", "csv"):
        exported = client.get(f"/api/agent/kb/export?format={fmt}", headers=staff).text
        assert "运费怎么收？" in exported
        again = client.post(
            f"/api/agent/kb/import?format={fmt}",
            content=exported.encode(),
            headers={**staff, "Content-Type": "text/plain"},
        ).json()
        assert again["created"] == 0 and again["updated"] >= 85
    fresh = (
        "entries:\n- question: 可以用数字人民币吗？\n  answer: 支持数字人民币支付。\n"
    )
    created = client.post(
        "/api/agent/kb/import",
        content=fresh.encode(),
        headers={**staff, "Content-Type": "text/plain"},
    ).json()
    assert created == {"created": 1, "updated": 0}
    bad = client.post(
        "/api/agent/kb/import",
        content=b"- nope",
        headers={**staff, "Content-Type": "text/plain"},
    )
    assert bad.status_code == 422


def test_staff_routes_need_a_login_and_entries_need_content(client, staff):
    assert client.get("/api/agent/kb").status_code == 401
    assert client.get("/api/agent/kb", headers=BOT).status_code == 401
    empty = client.post(
        "/api/agent/kb", json={"question": " ", "answer": "x"}, headers=staff
    )
    assert empty.status_code == 422


def test_personal_data_is_masked():
    assert mask_personal("订单2026112100001 邮箱a.b@qq.com 手机13800138000") == (
        "订单[号码] 邮箱[邮箱] 手机[手机号]"
    )


def test_a_lexicon_word_stays_whole_and_counts_as_its_canonical_form():
    # Split into 保 + 真, the question would share only 货 (退货) with the wrong entry.
    lexicon = {"保真": "正品"}
    index = KbIndex([(1, "商品是正品吗"), (2, "退货寄回后多久处理")], synonyms=lexicon)
    assert [hit.entry_id for hit in index.search("你家的货保真吗")][:1] == [1]
    assert "正品" in character_grams("保真吗", lexicon)
    assert "正品" not in character_grams("保真吗")


def test_try_a_question_shows_each_channels_score(client, staff):
    hits = client.get(
        "/api/agent/kb/search",
        params={"q": "东西到手了再掏钱可以吗"},
        headers=staff,
    ).json()["hits"]
    top = hits[0]
    assert top["question"] == "可以货到付款吗？"
    # Meaning found it; its words alone barely do.
    assert top["dense"] > 0.5 > top["lexical"]
    assert all(0 <= h["lexical"] <= 1 and h["dense"] is not None for h in hits)


def test_try_a_question_is_for_staff_only(client):
    assert client.get("/api/agent/kb/search", params={"q": "运费"}).status_code == 401
    assert (
        client.get(
            "/api/agent/kb/search", params={"q": "运费"}, headers=BOT
        ).status_code
        == 401
    )


def test_an_off_topic_guess_needs_a_clearer_match(client):
    # Close to "客服让我加微信" (an entry on fake service calls), but not close enough
    # for a message the NLU took for off-topic.
    assert ask(client, "帮我打开微信", record=False)["outcome"] == "answer"
    off_topic = ask(client, "帮我打开微信", record=False, off_topic=True)
    assert off_topic["outcome"] != "answer"
    # A clear match still answers.
    shipping = ask(client, "运费怎么收", off_topic=True)
    assert shipping["outcome"] == "answer"
