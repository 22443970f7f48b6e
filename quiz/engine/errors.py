"""The typed refusal every engine command may raise instead of changing the state."""
from __future__ import annotations

# Chinese text for the codes the engine uses; a raise site may pass its own.
ZH = {
    "bad_command": "指令格式错误",
    "bad_setup": "比赛设置有误",
    "forbidden": "无权执行此操作",
    "unknown_team": "没有这个队伍",
    "unknown_round": "没有这个环节",
    "unknown_question": "没有这道题",
    "stale_question": "题目已变化，请刷新",
    "stale_round": "该环节已进行过",
    "wrong_phase": "当前阶段不能执行此操作",
    "not_your_turn": "还没轮到你们",
    "already_buzzed": "本题已抢过",
    "already_answered": "已经作答",
    "already_fouled": "已记过犯规",
    "locked_out": "本题已被取消答题资格",
    "not_in_tiebreak": "未参加加赛",
    "too_late": "已超时",
    "paused": "比赛已暂停",
    "level_exhausted": "该分值的题目已用完",
    "pass_not_allowed": "本环节不允许放弃",
    "no_more_questions": "本环节没有剩余题目",
    "nothing_to_undo": "没有可撤销的操作",
    "already_revealed": "答案已公布",
}


class RuleError(Exception):
    """A command the rules refuse; raised before any change to the state."""

    def __init__(self, code: str, message: str, message_zh: str | None = None):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.message_zh = message_zh or ZH.get(code, message)

    def to_dict(self) -> dict:
        """The refusal as a JSON-safe dict for an ack."""
        return {"code": self.code, "message": self.message, "message_zh": self.message_zh}
