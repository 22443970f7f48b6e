# ruff: noqa: E501  (a table of texts: one setting a line reads better than wrapped strings)
"""The contest form's words: every setting of docs/rules.md with a label and a hint, zh and en.

The form (static/js/setup.js) builds its fields from the engine's defaults and these texts, so
a setting the rules gain shows up on the form as soon as it has a line here (a test checks that
every setting of quiz/engine/settings.py has one).
"""
from quiz.engine import formats

# key: (中文 label, English label, 中文 hint, English hint)
SETTINGS = {
    "order": ("答题顺序", "Turn order", "按台号轮流，或抽签决定顺序", "By desk number, or a drawn order"),
    "answer_time": ("答题时间（秒）", "Answer time (s)", "超时按“超时分”计", "Past it, the timeout points apply"),
    "buzz_window": ("抢答时间（秒）", "Time to buzz (s)", "开放抢答后多少秒内可抢",
                    "How long the buzzers stay open"),
    "auto_open_s": ("自动开放抢答（秒）", "Open buzzers by themselves after (s)",
                    "留空：由主持人开放", "Empty: the host opens them"),
    "right_points": ("答对得分", "Points for right", "题目自带分值时用题目分值",
                     "A question's own points win"),
    "wrong_points": ("答错扣分", "Points for wrong", "0 为答错不扣分；扣分填负数",
                     "0: no deduction; a deduction is negative"),
    "timeout_points": ("超时扣分", "Points for a timeout", "留空：与答错相同",
                       "Empty: the same as wrong"),
    "foul_points": ("犯规扣分", "Foul points", "提前抢答或主持人判犯规；负数",
                    "Buzzing early, or a foul the host marks; negative"),
    "foul_lockout": ("犯规后本题不得作答", "A foul locks the team out of the question",
                     "", ""),
    "reopen_after_wrong": ("答错后重新开放抢答", "Reopen the buzzers after a wrong answer",
                           "其他队可以再抢", "The other teams may buzz again"),
    "values": ("分值（如 10,20,30）", "Values (e.g. 10,20,30)", "答对加分值，答错或超时减分值",
               "Right: +value; wrong or no answer: −value"),
    "turns_per_team": ("每队选题次数", "Choices per team", "每队选几次分值", "How many values each team picks"),
    "allow_pass": ("允许放弃", "Teams may pass", "放弃不扣分", "A pass costs nothing"),
    "per": ("计分方式", "Scoring", "按队（队内一人作答）或每位选手都计分",
            "Per team, or every player's answer counts"),
    "speed_bonus": ("速度加分（最多）", "Speed bonus (at most)", "越快答对加得越多；0 为不加",
                    "The faster right answers get up to this; 0 for none"),
    "partial_credit": ("多选题部分得分", "Partial credit on multiple choice",
                       "选对一部分得部分分", "Part of the right options earns part of the points"),
    "tiebreak_counts_in_score": ("加赛得分计入总分", "Tie-break points count in the score",
                                 "不勾选：加赛只决定名次", "Unticked: a tie-break only decides the rank"),
    "undo_depth": ("可撤销步数", "Undo steps", "主持人可撤销的最近操作数", "How many recent actions the host can undo"),
    "buzz_order": ("抢答排序", "Buzz order", "公平：按按下的时刻（校正各手机的网络延迟）；到达：按服务器收到的先后",
                   "Fair: by the moment pressed (each phone's network delay corrected); arrival: by when the server got it"),
    "near_tie": ("接近并列时", "On a near-tie", "两队相差小于时钟误差：按到达先后，或由主持人裁定",
                 "Closer than the clocks can tell: by arrival, or the host decides"),
    "player_board": ("个人积分榜", "Player board",
                     "每位选手计分的全员答题：手机显示个人得分与名次，大屏显示前 10 名",
                     "Per-player all-answer rounds: phones show personal points and rank, "
                     "the projector the top 10"),
    "extra_time": ("全员答题加时", "Extra time on all-answer questions",
                   "每道全员答题的作答时间延长（照顾阅读或操作较慢的选手）",
                   "Every all-answer question's time is longer (for slower readers or hands)"),
}

CHOICES = {
    "order": {"seat": ("按台号", "By desk"), "drawn": ("抽签", "Drawn")},
    "per": {"team": ("按队计分", "Per team"), "player": ("每位选手计分", "Per player")},
    "buzz_order": {"fair": ("公平（按按下时刻）", "Fair (by press time)"),
                   "arrival": ("按到达先后", "By arrival")},
    "near_tie": {"receipt": ("按到达先后", "By arrival"), "host": ("主持人裁定", "The host decides")},
    "extra_time": {"0": ("不加时", "None"), "50": ("+50%", "+50 %"), "100": ("+100%（双倍）", "+100 % (double)")},
}

WORDS = {
    "kind.compulsory": ("必答题", "Compulsory (必答)"),
    "kind.buzz": ("抢答题", "Buzz-in (抢答)"),
    "kind.wager": ("风险题", "Wager (风险)"),
    "kind.all_answer": ("全员答题", "Everyone answers on phones"),
    "type.": ("任意题型", "Any type"), "type.single": ("单选题", "Single choice"),
    "type.multiple": ("多选题", "Multiple choice"), "type.true_false": ("判断题", "True/false"),
    "type.fill_blank": ("填空题", "Fill in the blank"), "type.open": ("简答题", "Open question"),
    "difficulty.": ("任意难度", "Any difficulty"), "difficulty.easy": ("简单", "Easy"),
    "difficulty.medium": ("中等", "Medium"), "difficulty.hard": ("困难", "Hard"),
    "order.random": ("随机抽题", "Random"), "order.sheet": ("按表格顺序", "Sheet order"),
    "title": ("环节名称", "Title"), "count": ("题目数量", "Questions"),
    "type": ("题型", "Type"), "category": ("分类", "Category"),
    "difficulty": ("难度", "Difficulty"), "draw_order": ("抽题方式", "Draw"),
    "bank": ("题库", "Bank"), "bank.default": ("（比赛默认题库）", "(the contest's bank)"),
    "per_level": ("每个分值题数", "Questions per value"),
    "draws": ("抽题条件（从题库抽取）", "Questions drawn from the bank"),
    "add_draw": ("再加一组抽题条件", "Add another draw"),
    "wager.count": ("本环节共 {n} 题：{values} 共 {levels} 个分值 × 每个分值 {per} 题。每队选 {turns} 次，"
                    "{teams} 支队伍共需 {need} 题。",
                    "This round has {n} questions: {levels} values ({values}) × {per} each. "
                    "Each team picks {turns} time(s): {teams} teams need {need}."),
    "wager.short": ("题目不够：部分队伍将没有题可选。", "Too few: some teams would have nothing left to pick."),
    "inline": ("另有比赛文件中写好的 {n} 道题（保留）", "Plus {n} questions written in the contest file (kept)"),
    "remove": ("删除", "Remove"), "up": ("上移", "Move up"), "down": ("下移", "Move down"),
    "settings": ("本环节设置", "Round settings"), "default": ("默认", "default"),
    "failed": ("比赛未保存：", "The contest was not saved:"),
    "saving": ("正在保存…", "Saving…"),
    "need.team": ("至少需要一支队伍", "Add at least one team"),
    "need.round": ("至少需要一个环节", "Add at least one round"),
    "bad.values": ("分值须为不重复的正整数，用逗号分隔", "Values are different positive whole numbers, comma separated"),
    "bad.number": ("请填写整数", "Enter a whole number"),
}


def setting_texts(zh: bool) -> dict:
    """The form's texts in one language: {"settings": {key: [label, hint]}, "choices", "words"}."""
    i = 0 if zh else 1
    return {
        "settings": {k: [v[i], v[i + 2]] for k, v in SETTINGS.items()},
        "choices": {k: {c: t[i] for c, t in v.items()} for k, v in CHOICES.items()},
        "words": {**_format_words(zh), **{k: v[i] for k, v in WORDS.items()}},
    }


def _format_words(zh: bool) -> dict[str, str]:
    """kind.<kind> for every round format, from its labels (WORDS' wording wins)."""
    return {f"kind.{f.kind}": f.labels["zh"] if zh else f"{f.labels['en']} ({f.labels['zh']})"
            for f in formats.all() if f.in_rounds}
