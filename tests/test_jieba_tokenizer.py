from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message

from addons.jieba_tokenizer import CleanJiebaTokenizer, dictionary_digest


def create_tokenizer(tmp_path: Path, project_root: Path) -> CleanJiebaTokenizer:
    config = {
        **CleanJiebaTokenizer.get_default_config(),
        "dictionary_path": str(project_root / "data" / "dictionaries"),
    }
    return CleanJiebaTokenizer.create(
        config,
        LocalModelStorage(tmp_path),
        Resource("tokenizer"),
        ExecutionContext(GraphSchema({}), "test"),
    )


@pytest.fixture
def tokenizer(tmp_path: Path, project_root: Path) -> CleanJiebaTokenizer:
    return create_tokenizer(tmp_path, project_root)


def words(tokenizer: CleanJiebaTokenizer, text: str) -> list:
    return [t.text for t in tokenizer.tokenize(Message(data={"text": text}), "text")]


def test_no_whitespace_tokens(tokenizer):
    assert words(tokenizer, "订单号 2024112100123  发货了吗") == [
        "订单号",
        "2024112100123",
        "发货",
        "了",
        "吗",
    ]


def test_token_offsets_point_into_the_text(tokenizer):
    text = "查一下 订单 123456"
    tokens = tokenizer.tokenize(Message(data={"text": text}), "text")
    assert all(text[t.start : t.end] == t.text for t in tokens)


def test_user_dictionary_keeps_shop_terms_whole(tokenizer):
    assert "七天无理由" in words(tokenizer, "支持七天无理由退货吗")
    assert "价保" in words(tokenizer, "价保怎么申请")
    assert "转人工" in words(tokenizer, "帮我转人工")


def test_whitespace_only_text_still_has_a_token(tokenizer):
    assert len(words(tokenizer, "   ")) == 1


def test_fingerprint_follows_dictionary_contents(tmp_path: Path):
    (tmp_path / "a.txt").write_text("价保 10 n\n", encoding="utf-8")
    before = dictionary_digest(str(tmp_path))
    (tmp_path / "a.txt").write_text("价保 10 n\n运费险 10 n\n", encoding="utf-8")
    after = dictionary_digest(str(tmp_path))
    assert before and after and before != after
    assert CleanJiebaTokenizer.fingerprint_addon({"dictionary_path": None}) is None


def test_patches_are_active_after_the_tokenizer_is_created(
    tmp_path: Path, project_root: Path, unpatched_rasa
):
    from addons import rasa_patches

    create_tokenizer(tmp_path, project_root)
    assert rasa_patches.installed()
