"""inspect_conversation: flags, score and emotions of whole conversations."""

from datetime import datetime, timedelta, timezone

from servicedesk.quality.inspection import REVIEW_BELOW, Turn, inspect_conversation
from servicedesk.quality.sampling import week_bounds, week_of, weekly_sample

T0 = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)


def at(seconds):
    return T0 + timedelta(seconds=seconds)


def codes(result):
    return [(f.code, f.turn) for f in result.flags]


def test_a_good_agent_conversation_scores_full_marks():
    turns = [
        Turn("user", "转人工", at(0)),
        Turn("bot", "正在为您转接人工客服", at(1)),
        Turn("agent", "您好，我是客服小王，很高兴为您服务", at(60), "agent1"),
        Turn("user", "我的快递到哪了", at(70)),
        Turn("agent", "已经在派送了，今天下午送到", at(90), "agent1"),
        Turn("user", "好的谢谢", at(100)),
        Turn("agent", "不客气，还有其他可以帮您的吗？祝您生活愉快", at(110), "agent1"),
    ]
    result = inspect_conversation(turns)
    assert (result.score, result.flags, result.flagged) == (100, [], False)
    assert [e["emotion"] for e in result.emotions] == ["neutral", "neutral", "positive"]
    assert result.trajectory == "improved"
    assert result.agents == ["agent1"]
    assert result.started_at == datetime(2026, 11, 23, 10, 0)  # naive UTC


def test_an_angry_customer_and_a_forbidden_promise_are_flagged():
    turns = [
        Turn("user", "你们这是什么破服务，气死我了", at(0)),
        Turn("agent", "您好，非常抱歉", at(5), "agent1"),
        Turn("user", "东西到底什么时候到", at(10)),
        Turn("agent", "我保证明天一定到", at(100), "agent1"),
        Turn("user", "好吧", at(110)),
        Turn("agent", "请问还有其他问题吗？", at(120), "agent1"),
    ]
    result = inspect_conversation(turns)
    assert codes(result) == [
        ("customer_angry", 0),
        ("promise", 3),
        ("slow_reply", 3),
    ]
    slow = result.flags[2]
    assert (slow.seconds, slow.agent) == (90, "agent1")
    assert result.flags[1].words == ("保证",)
    assert result.score == 100 - 20 - 5
    assert result.flagged
    assert [e["emotion"] for e in result.emotions] == ["angry", "negative", "neutral"]


def test_agent_rules_greeting_closing_personal_data_rude_words():
    turns = [
        Turn("user", "我要改地址", at(0)),
        Turn("agent", "说", at(10), "agent2"),
        Turn("user", "改到张江路88号", at(20)),
        Turn("agent", "好的，改成浦东新区张江路88号3号楼201室，电话13812345678", at(30), "agent2"),
        Turn("user", "你们能快点吗", at(40)),
        Turn("agent", "你烦不烦，加我微信说", at(50), "agent2"),
    ]  # fmt: skip
    result = inspect_conversation(turns)
    assert set(codes(result)) == {
        ("no_greeting", 1),
        ("personal_data", 3),
        ("rude", 5),
        ("contact", 5),
        ("no_closing", 5),
        ("ended_unhappy", None),  # "你们能快点吗" is the customer's last word
    }
    data = next(f for f in result.flags if f.code == "personal_data")
    assert set(data.words) == {"phone", "address"}
    assert result.score < REVIEW_BELOW


def test_the_queue_wait_is_not_the_agents_reply_time():
    turns = [
        Turn("user", "人工", at(0)),
        Turn("agent", "您好，久等了，谢谢您的耐心", at(600), "agent1"),
    ]
    assert "slow_reply" not in [c for c, _ in codes(inspect_conversation(turns))]


def test_bot_turns_are_inspected_too_and_a_customer_may_name_competitors():
    turns = [
        Turn("user", "京东上比你们便宜", at(0)),
        Turn("bot", "我们百分百正品，绝对放心", at(1)),
    ]
    result = inspect_conversation(turns)
    assert codes(result) == [("promise", 1)]
    assert result.flags[0].role == "bot"


def test_each_agent_greets_after_a_transfer():
    turns = [
        Turn("agent", "您好，我是小王", at(0), "agent1"),
        Turn("agent", "这边帮您转给售后同事", at(5), "agent1"),
        Turn("agent", "退款已经处理", at(10), "agent2"),
        Turn("agent", "祝您生活愉快", at(15), "agent2"),
    ]
    result = inspect_conversation(turns)
    assert codes(result) == [("no_greeting", 2)]
    assert result.agents == ["agent1", "agent2"]


def test_the_weekly_sample_is_fixed_by_seed_and_week():
    conversations = [(f"c{i}", ["agent1"] if i % 3 else ["agent1", "agent2"]) for i in range(30)]  # fmt: skip
    first = weekly_sample(conversations, "2026-W48", 3, "seed")
    again = weekly_sample(list(reversed(conversations)), "2026-W48", 3, "seed")
    assert first == again
    assert sorted(first) == ["agent1", "agent2"]
    assert all(len(keys) == 3 for keys in first.values())
    assert set(first["agent2"]) <= {f"c{i}" for i in range(0, 30, 3)}
    assert weekly_sample(conversations, "2026-W49", 3, "seed") != first
    assert weekly_sample(conversations, "2026-W48", 3, "other") != first


def test_weeks():
    assert week_of(datetime(2026, 11, 30, 9)) == "2026-W49"
    assert week_bounds("2026-W49") == (datetime(2026, 11, 30), datetime(2026, 12, 7))
