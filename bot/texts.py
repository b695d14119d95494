"""The bot's words, in Simplified Chinese; ``say`` converts them for Traditional chats."""

from __future__ import annotations

import re

from index import Script, to_script, to_traditional

# The examples the words below give ({question}, {clause}, {chapter}, {compare}) come from the
# contracts the asking chat reads (bot/examples.py); these are the bundled samples', said where
# none is known.
DEFAULT_QUESTION = "乙方响应时间是多少"
DEFAULT_CLAUSE = "7.2"
DEFAULT_CHAPTER = "第三章"
DEFAULT_TOPIC = "违约金"
EXAMPLE_QUESTION = "{heading}是怎么规定的"  # a question of a clause's heading (违约责任)
CHAPTER_EXAMPLE = "、/clause {chapter}"  # after /clause {clause} in HELP
COMPARE_EXAMPLE = "，例如 /compare {topic}"  # none when no two contracts share a topic
PAGE_EXAMPLE = "，例如 /contracts 2"  # in HELP when the chat's /contracts has a second page
# Common topics: a heading that speaks of one is the question example first; /compare shows
# the first that two contracts' text has when no heading is shared
COMPARE_TOPICS = ("违约金", "违约责任", "保密", "押金", "租金", "付款", "争议", "解除", "期限")
GREETING = "你好！我是合同问答机器人：用条款原文回答关于合同的问题，并注明章节和条款编号。\n"
HELLO = (  # a greeting said alone (你好, 在吗) in a chat that may ask
    GREETING + "直接发送问题即可，例如：{question}\n"
    "在群组中请用 /ask 问题，或 @我 提问。"
)
START = HELLO + "\n本聊天的 ID：<code>{chat_id}</code>"
THANKS_REPLY = "不客气！还有问题可以直接发给我，例如：{question}"  # 谢谢 said alone
LINK_NOT_OPENED = ("我不会打开链接，只能回答关于已收录合同的文字问题，例如：{question}。"
                   "可用 /contracts 查看已收录的合同。")  # a link sent alone
# /start in a chat that may not ask yet: its questions would get NOT_ALLOWED, so none invited
START_NOT_ALLOWED = (
    GREETING + "本聊天尚未获准使用：请先把本聊天的 ID <code>{chat_id}</code> 发给机器人的管理员，"
    "获准后即可提问。"
)
HELP = (
    "命令：\n"
    "/ask 问题 — 提问，例如 /ask {question}\n"
    "/contracts [页码] — 列出已收录的合同{page}\n"
    "/use 编号、代号或合同名称 — 只在一份合同中查找（在论坛话题中只限本话题），例如 /use 1；"
    "/use all 取消\n"
    "/clause 条款号 [合同编号、代号或名称] — 引用条款原文，例如 /clause {clause}{chapter}\n"
    "/compare 主题 — 比较各合同的约定{compare}\n"
    "/help — 显示本帮助\n"
    "回答下方的 👍/👎 可告诉我们回答是否有用。"
)
# /help in a chat that reads no contract (none in its collections, or no index yet): no
# command there could quote one, so none is offered; it says what makes them work
HELP_NO_CONTRACTS = "本聊天目前没有可以查询的合同，所以还不能提问。"
HELP_ASK_ADMIN = ("请管理员收录合同：管理员在与我的私聊中发送合同文件即可。收录后再发 /help，"
                  "即可看到提问的方法和示例。")
# /start in a chat that may ask but reads no contract yet: no example question that fails
START_NO_CONTRACTS = (GREETING + HELP_NO_CONTRACTS + "\n" + HELP_ASK_ADMIN
                      + "\n本聊天的 ID：<code>{chat_id}</code>")
ADMIN_HELP = (
    "\n管理员：直接发送 PDF、DOCX 或 TXT 文件（说明文字写集合名即收入该集合），或合同的照片、"
    "扫描图片，即可收录（多页合同的照片请一次选中各页、作为一组发送，即收为一份合同；"
    "照片的说明文字写合同名，或“集合名/合同名”）；"
    "/reindex 重建索引（会清空索引或删除半数以上合同时，需用 /reindex replace 确认）；"
    "/remove 合同名称 删除一份发给我收录的合同（需按按钮确认）；"
    "/feedback 查看 👎 与未找到答案的问题。"
)
NOT_ALLOWED = (
    "抱歉，本聊天尚未获准使用此机器人。请将本聊天的 ID <code>{chat_id}</code> 告知管理员。"
)
NOTHING_HINT = "可用 /contracts 查看已收录的合同。"
# What an answer says besides the clauses it quotes (bot/compose.py, for the bot and the CLI).
BLANK_FLAG = "（合同此处未填写）"
NOTHING = "没有找到与问题相关的条款。"
UNCITED = "没有找到{numbers}，以下是最相关的条款。"  # a cited number no clause has
UNCITED_ALONE = "没有找到{numbers}。"  # … and no other clause is relevant
# after NOTHING for a question without a Chinese character (the encoders read English poorly)
ASK_IN_CHINESE = "合同是中文的，请用中文提问，例如：{question}"
MORE_CHILDREN = "……另有 {count} 条子条款未显示，可用 /clause {number} {key} 查看。"
ALSO_IN = "相同条款也见于：{names}"  # the other files holding the quoted clause word for word
MORE_NAMES = "{names} 等 {count} 份"  # a list of names cut short (bot/shortlists.py)
# What a comparison says besides its excerpts (bot/comparing.py, for the bot and the CLI).
COMPARE_HEAD = "「{question}」在各合同中的约定："
NOT_AGREED = "未约定"
NO_CONTRACTS = "目前还没有收录任何合同。"
CONTRACTS_HEAD = "已收录的合同："
# above the list when asked for in words (有哪些合同): /contracts gives it too
CONTRACTS_ASKED = "可以就以下合同提问（随时发 /contracts 也能查看）。"
CONTRACT_LINE = "{n}. <code>{key}</code> 《{title}》{source} {clauses} 条{collection}"
CONTRACTS_PAGE = "共 {total} 份合同，第 {page}/{pages} 页。"
CONTRACTS_NEXT = "共 {total} 份合同，第 {page}/{pages} 页；下一页：/contracts {next}"
CONTRACTS_NO_PAGE = "没有第 {page} 页：共 {pages} 页。"
USE_SET = "本聊天现在只在《{title}》{source}中查找。/use all 取消。"
USE_CLEARED = "本聊天现在在所有合同中查找。"
USE_SET_TOPIC = "本话题现在只在《{title}》{source}中查找（其他话题不变）。/use all 取消。"
USE_CLEARED_TOPIC = "本话题现在在所有合同中查找。"
USE_SET_GENERAL = ("话题之外（General）现在只在《{title}》{source}中查找（各话题不变）。"
                   "/use all 取消。")
USE_CLEARED_GENERAL = "话题之外（General）现在在所有合同中查找（各话题不变）。"
USE_UNKNOWN = "没有这份合同：{arg}。可用 /contracts 查看编号。"
CLOSE_NAMES = "名称相近的合同（可用编号或代号选择）："  # under USE_UNKNOWN, UNKNOWN_CONTRACT
USE_USAGE = "用法：/use 编号、代号或合同名称，例如 /use 1；/use all 取消。"
USE_AMBIGUOUS = "有 {count} 份合同叫这个名字，请用编号或代号选择："
USE_LOOSE = "有 {count} 份合同的名称含有“{arg}”，请用编号或代号选择："
CLAUSE_USAGE = "用法：/clause 条款号 [合同编号、代号或名称]，例如 /clause {clause}"
CLAUSE_MISSING = "没有找到条款 {number}。"
# /clause NUMBER CONTRACT of a number that contract lacks: which contract, and its numbering
CLAUSE_MISSING_IN = "《{title}》{source}中没有条款 {number}。"
CLAUSE_NUMBERING = "它的条款号从 {first} 到 {last}，例如 /clause {first} {pick}"
CLAUSE_NUMBERING_ONE = "它只有条款 {first}：/clause {first} {pick}"
# /clause without a contract, of a number several contracts have, too long for one message
CLAUSE_SEVERAL = ("{count} 份合同有 {number}，一条消息放不下。"
                  "请在条款号后加上合同编号、代号或名称，例如 /clause {number} {n}；"
                  "或先用 /use 选定合同：")
# /clause of one contract's chapter too long to quote (bot/outline.py): its outline instead
CLAUSE_OUTLINE = "全文要 {messages} 条消息，太长；以下是其中 {count} 条的目录："
CLAUSE_OUTLINE_ASK = ("要看其中一条，请在 /clause 后写上条款号和合同编号，"
                      "例如 /clause {example} {pick}")
SCOPE_NOTE = "本聊天只在《{title}》{source}中查找；/use all 取消。"
SCOPE_NOTE_TOPIC = "本话题只在《{title}》{source}中查找；/use all 取消。"
SCOPE_OVERRIDDEN = "这次按问题所写，在{named}中查找，没有限于 /use 所选的合同。"
# a /use contract gone from the index or the chat's collections: unnamed, as one that never was
SCOPE_LAPSED = "本聊天原先用 /use 限定的合同已不再收录，现在在所有合同中查找。"
SCOPE_LAPSED_TOPIC = "本话题原先用 /use 限定的合同已不再收录，现在在所有合同中查找。"
SCOPE_LAPSED_GENERAL = "话题之外（General）原先用 /use 限定的合同已不再收录，现在在所有合同中查找。"
# contracts the chat read at its last answer that left the index since (bot/departures.py)
CONTRACTS_GONE = "{names}已不再收录，回答中不会再引用。"
SCOPE_NOTE_GENERAL = "话题之外（General）只在《{title}》{source}中查找；/use all 取消。"
ASK_USAGE = "请在 /ask 后写上问题，例如 /ask {question}"
NOT_TEXT = "我只能回答文字问题。请直接用文字提问，例如：{question}。/help 查看用法。"
NOT_TEXT_GROUP = ("我只能回答文字问题，看不到图片和文件里的内容。请用 /ask 加文字提问，例如：/ask "
                  "{question}")
# a follow-up that only points at the answer before (这条是什么意思): that clause again
FOLLOW_UP = "我只引用合同原文，不作解释。刚才回答中的条款全文如下："
FOLLOW_UP_FIRST = ("我只引用合同原文，不作解释。刚才回答中第一个条款的全文如下"
                   "（其他条款可用 /clause 加条款号查看）：")
FOLLOW_UP_WHICH = "请说明是哪一条，例如：{cited}/clause {clause}"
# the example clause number of FOLLOW_UP_WHICH, asked of as a question cites it (none: "")
CITED_EXAMPLE = "{number}是什么意思，或 "
# above the answer to a follow-up that changes one thing (那房东呢): the question it answered
CARRIED = "按「{question}」回答："
CARRIED_IN = "按「《{title}》{source}：{question}」回答："
STEP_LAST = "《{title}》{number}之后没有别的条款了。"  # 下一条 after a contract's last clause
STEP_FIRST = "《{title}》{number}之前没有别的条款了。"  # 上一条 before its first
# a follow-up to a /compare, which quoted one clause per contract: the /clause of each follows
FOLLOW_UP_COMPARED = ("我只引用合同原文，不作解释。刚才的比较引用了 {count} 份合同的条款，"
                      "请说明是哪一份的，可复制下面的命令查看全文：")
# … to a /clause that quoted its number in several contracts
FOLLOW_UP_SHOWN = ("我只引用合同原文，不作解释。刚才的回复引用了 {count} 份合同的条款，"
                   "请说明是哪一份的，可复制下面的命令查看全文：")
# a photo a member who is not an admin sends in private (only admins' photos are read, as
# contracts); with a caption, the caption is answered as a question after it
PHOTO_NOT_READ = ("我看不到图片里的内容，只能回答文字问题。请直接用文字提问，例如："
                  "{question}。")
PHOTO_CAPTION_ONLY = "我看不到图片里的内容，下面只按图片的说明文字回答。"
# an admin's contract file (PDF, DOCX, text) sent to the bot in a group: not taken there
UPLOAD_IN_PRIVATE = "合同请在与我的私聊中发送才会收录，群组里发的文件不会收录。"
UNKNOWN_COMMAND = "没有这个命令：{command}。/help 查看可用的命令。"
MORE = "更多"
CLOSEST = "仍然显示最接近的条款"  # under a refusal: the user may judge the closest clauses
UNSURE = "这些条款不一定回答了问题，仅供参考："
CLOSEST_GONE = "这些条款已显示过或已过期，请重新提问。"  # pressed twice, or after a restart
NO_MORE = "没有更多结果了。"
VOTE_UP, VOTE_DOWN = "👍", "👎"
VOTE_THANKS = "已记录，谢谢反馈。"
VOTE_EXPIRED = "这条回答已过期，无法记录反馈。"
COMPARE_USAGE = "请在 /compare 后写上主题{compare}"
FEEDBACK_OFF = "问题记录已关闭（CONTRACTBOT_QUESTION_LOG=off）。"
FEEDBACK_PRIVATE = "请在与我的私聊中使用 /feedback。"
FEEDBACK_EMPTY = "最近 {days} 天没有 👎 或未找到答案的问题。"
ERROR = "抱歉，处理时出错了，请稍后再试。"
QUERY_ERROR = "无法查找：{reason}"
QUESTION_TOO_LONG = "问题太长（超过 {limit} 字）。请只问一个简短的问题，例如：{question}"
QUESTION_NO_WORDS = "问题里没有可以查找的文字。请用文字提问，例如：{question}"
# {name} comes from set_apart: 名为《房屋租赁合同》的合同, 名为“nosuch”的合同
UNKNOWN_CONTRACT = "没有收录名为{name}的合同。可用 /contracts 查看已收录的合同。"
TOO_MANY_QUESTIONS = "您提问太快了：每人每分钟最多 {limit} 个问题。请稍等片刻再问，谢谢！"
ADMIN_ONLY = "抱歉，只有管理员可以上传或删除合同、重建索引、查看反馈。"
UPLOAD_BAD_COLLECTION = (
    "集合名只能包含文字、数字、- 和 _（最多 64 个字符），例如 customer-a；不写则收入 default。"
)
UPLOAD_TOO_BIG = "文件太大（上限 20 MB）。"
UPLOAD_BAD_TYPE = (
    "只支持 PDF、DOCX、TXT、Markdown 文件或合同的照片、扫描图片（PNG、JPG、TIFF、WEBP、BMP、GIF）。"
)
UPLOAD_HEIC = (
    "这是 HEIC 格式的照片（iPhone 的默认格式），无法读取。请以照片方式发送（不选“文件”，"
    "Telegram 会把它转成 JPG），或把它存成 JPG/PNG 后再发送。"
)
UPLOAD_WORKING = "已收到，正在收录……（扫描件和照片需逐页识别文字，每页约 5 秒）"
UPLOAD_WORKING_TEXT = "已收到，正在收录……"  # a text file: no page is read by OCR
UPLOAD_WORKING_PDF = "已收到，正在收录……（扫描版 PDF 需逐页识别文字，每页约 5 秒）"
UPLOAD_WORKING_DOCX = "已收到，正在收录……（文档中粘贴的扫描页需识别文字，每页约 5 秒）"
UPLOAD_RENAMED = "文件名中有不能用于文件的字符，已存为 {name}。"
UPLOAD_OK = "已收录《{title}》，共 {clauses} 条。"
UPLOAD_NOTE = "注意：{note}"
NOT_INDEXED = "未能收录"  # the reason when the build left an upload out, unsaid
UPLOAD_FAILED = "无法读取 {name}：{reason}"
# under a photo (or image file) that OCR found no text in, or no contract: most often one page
# of a contract sent alone, or a page photographed from too far
UPLOAD_PHOTO_HINT = (
    "如果这是合同的其中一页：请把合同各页的照片一次选中、作为一组发送（每组最多 10 张），"
    "会合成一份合同；页数更多的合同请扫描成 PDF 发送。每张照片请拍下整页、文字清晰。"
)
NAME_TOO_LONG = "文件名太长（{length} 个字符，上限 {limit} 个）。请改短文件名后再发送。"
NAME_TOO_LONG_BYTES = "文件名太长（其中的字符在服务器上占用的空间较多）。请改短文件名后再发送。"
NAME_ODD = "这个文件名无法使用：{why}。请改名后再发送。"
NAME_CONTROL = "含有控制字符或不可见字符"
NAME_NO_WORDS = "没有文字或数字"
UPLOAD_CONFIRM = (
    "已有同名合同：{existing}。要用新上传的 {name}（《{title}》，{clauses} 条）替换吗？"
    "原文件会另存，可以撤销。"
)
BUTTON_REPLACE = "替换"
BUTTON_KEEP = "保留原文件"
BUTTON_UNDO = "撤销替换"
UPLOAD_KEPT = "已保留原文件，{name} 没有收录。"
UPLOAD_EXPIRED = "这个操作已过期或已处理过。"
# a button under an upload held for an answer for over a day (uploads.STALE), or one the bot
# no longer holds
UPLOAD_GONE = "这个上传已过期，没有保存。如还要收录，请重新发送文件。"
UPLOAD_REPLACED = "原来的 {old} 已另存，可以撤销。"
UPLOAD_RESTORED = "原来的 {old} 已恢复，索引保持不变。"
UPLOAD_UNDONE = "已撤销：恢复了原来的 {old}。"
UNDO_FAILED = "无法撤销：{old} 已被再次更改。"
UPLOAD_NOT_INDEXED = "已保存 {name}，但索引暂未更新：{reason}"
UPLOAD_NAME_IN_LIBRARY = (
    "已有同名合同：{existing}，它是在服务器上收录的，不能在这里替换。{name} 没有收录："
    "请改个文件名再发送，或请服务器管理员替换该文件。"
)
UPLOAD_UNCHANGED = "{name} 已收录（《{title}》，{clauses} 条），内容没有变化，索引未重建。"
UPLOAD_DUPLICATE = "{name} 与已收录的 {existing}（《{title}》）内容完全相同，没有重复收录。"
UPLOAD_NAME_TAKEN = "同名文件 {name} 刚被创建，请重新上传。"
UPLOAD_ALREADY_ADDING = "{name} 与刚才收到的文件完全相同，正在收录，不会重复收录。"
UPLOAD_SAVED_BEFORE = "{name} 之前已保存但未编入索引，内容相同，这次直接编入，没有替换文件。"
# an upload whose caption names a collection that does not exist and no chat reads (captions.py)
UPLOAD_NEW_COLLECTION = (
    "还没有名为“{collection}”的集合，也没有聊天读取它：收录到这个新集合的合同，任何群组都看不到，"
    "所以 {name}（《{title}》，{clauses} 条）还没有保存。"
)
UPLOAD_UNREAD_DEFAULT = (
    "没有写说明文字的文件收入默认集合“{collection}”，但没有聊天读取它：收录在那里的合同，任何群组都看不到，"
    "所以 {name}（《{title}》，{clauses} 条）还没有保存。"
)
UPLOAD_COLLECTIONS = (
    "现有 {count} 个集合：{names}。要收录到其中一个，请重新发送，说明文字写它的名字，"
    "例如 {example}。"
)
UPLOAD_NO_COLLECTIONS = "目前只有默认集合：要收录到那里，请重新发送，不写说明文字。"
UPLOAD_CREATE_COLLECTION = (
    "确实要新建集合“{collection}”，请按“新建集合”，再在权限文件（CONTRACTBOT_ACCESS_FILE）中"
    "把它分给要读取的聊天。"
)
COLLECTION_READ_BY = "{collection}（聊天 {chats} 读取）"
COLLECTION_UNREAD = "{collection}（没有聊天读取）"
BUTTON_NEW_COLLECTION = "新建集合"
BUTTON_CANCEL = "取消"
UPLOAD_DROPPED = "已取消，{name} 没有保存。"
REMOVE_USAGE = (
    "用法：/remove 合同名称、代号或编号（可用 /contracts 查看），只能删除发给我收录的合同。"
)
REMOVE_PRIVATE = "请在与我的私聊中使用 /remove。"
REMOVE_ASK = (
    "确定从索引中删除《{title}》（{name}）吗？文件会移到服务器上的备份文件夹，不会直接删掉。"
)
REMOVE_YES = "删除"
REMOVE_NO = "取消"
REMOVE_CANCELLED = "已取消，{name} 没有删除。"
REMOVE_NOT_UPLOAD = (
    "《{title}》（{name}）是在服务器上收录的，不能在这里删除：请服务器管理员删除该文件后重建索引。"
)
REMOVE_GONE = "《{title}》（{name}）的文件已不在，发送 /reindex 即可把它移出索引。"
REMOVE_CANNOT_MOVE = "无法移走 {name}（文件已不在，或服务器无法写入），索引未更改。"
REMOVE_LAST = "它是索引中仅剩的合同，删除会清空索引。"
REMOVE_FAILED = "没有删除 {name}，文件已放回原处：{why}"
REMOVE_DONE = (
    "已删除《{title}》（{name}），索引现有 {contracts} 份合同。"
    "文件已移到服务器上的 .replaced 备份文件夹。"
)
REINDEX_QUEUED = "已有重建正在进行；完成后会再重建一次，结果稍后发到这里。"
INDEX_BUSY = "索引正由服务器上的另一个程序重建，本次未做更改。请稍后再试 /reindex。"
REBUILD_FAILED = "重建失败，索引保持不变。原因已记入机器人的日志，请告知服务器管理员。"
REBUILD_CANNOT_WRITE = (
    "重建失败，索引保持不变：服务器无法写入新的索引（磁盘可能已满，或没有写入权限）。"
)
REINDEX_OK = "索引已重建：{contracts} 份合同，{clauses} 条。"
REINDEX_FAILED = "{name}：{reason}"
REINDEX_DROPPED = "已移出索引（文件已不在合同文件夹中）：{names}"  # as `index build`'s "dropped"
REINDEX_MOVED = (  # as `index build`'s "moved from collection A to B"
    "已移到另一个合集（限定原合集的聊天不再能查到，可查看新合集的聊天能查到）：{names}")
# two files that look like two versions of one contract (index/build/revisions.py), said by
# /reindex and by an upload's reply when the pair first appears
REVISION_PAIR = (
    "{first} 和 {second} 看起来是同一份合同的两个版本（{why}）：两份都已收录，提问时可能两份都被"
    "引用，或先引用旧版。删除不再适用的一份：{how}。")
UPLOAD_REVISION = (
    "注意：它和已收录的 {other} 看起来是同一份合同的两个版本（{why}），两份都会被引用。如 {other} "
    "已不再适用：{how}。")
# how to take out one of such a pair (bot/reasons.py removal_words): an upload by /remove, a
# file put on the server by whoever runs it (/remove refuses those)
REVISION_BY_REMOVE = "{name} 可在与我的私聊中发送 /remove {arg} 删除"
REVISION_BY_SERVER = (
    "{names} 是在服务器上收录的，不能在这里删除，请服务器管理员移出合同文件夹后重建索引")
REVISION_SAME = "{same}/{of} 条逐字相同"
REVISION_NAMED = "文件名只差一个版本标记"
REINDEX_KEPT = "{name}：{reason}（仍保留之前收录的版本）"  # a source read before, not now
REBUILD_WOULD_DROP = (
    "索引未更改：这次重建会删除已收录的 {total} 份合同中的 {count} 份（{names}）。"
    "如确要删除，请发送 /reindex replace。"
)
REBUILD_WOULD_DROP_EMPTIED = (  # a source or collection folder found empty: a disk not mounted?
    "索引未更改：合同文件夹 {folders} 现在是空的（磁盘未挂载？），这次重建会删除已收录的 {total} 份"
    "合同中的 {count} 份（{names}）。请放回其中的合同后再发送 /reindex；"
    "如确要删除，请发送 /reindex replace。"
)
REBUILD_WOULD_EMPTY = (
    "索引未更改：这次重建会清空索引（现有 {total} 份合同）。如确要清空，请发送 /reindex replace。"
)
REBUILD_WOULD_MOVE = (
    "索引未更改：这次重建会把已收录的 {total} 份合同中的 {count} 份移到其他合集（{moves}）："
    "限定原合集的聊天将找不到它们，可查看新合集的聊天却能看到。"
    "请检查合同来源文件夹的设置（如 CONTRACTBOT_SOURCES_DIR）；"
    "如确要移动，请发送 /reindex replace。"
)
OTHER_COLLECTION = "其他合集"  # a collection a chat does not read, unnamed
REBUILD_MISSING = "索引未更改：{why}。"  # each of the parts below that applies, joined by ；
MISSING_PART = "找不到合同来源 {paths}"
LOOP_PART = "合同来源 {paths} 是指向自身的链接（循环），不是文件或文件夹"
REBUILD_MISSING_ELSEWHERE = (
    "索引未更改：找不到部分合同来源。管理员可在与机器人的私聊中发送 /reindex 查看详情。"
)
REBUILD_REFUSED_ELSEWHERE = (
    "索引未更改：这次重建被拒绝，本聊天的合同不受影响。"
    "管理员可在与机器人的私聊中发送 /reindex 查看原因。"
)
REBUILD_NO_SOURCES = (
    "还没有可以收录的合同。请在私聊中直接把合同文件（PDF、DOCX、TXT 或照片）发给我。"
)
REBUILD_WOULD_CHANGE_ENCODER = (
    "索引未更改：现有索引由编码器 {built_with} 建立，这次重建会改用 {configured}，"
    "并重新嵌入全部 {clauses} 条。如确要更换，请发送 /reindex replace。"
)


def set_apart(name: str) -> str:
    """A name as a sentence sets it apart: in 《》 as it is, else in quotation marks (a kind the
    asker wrote, 租房签的合同, or a name no title has), as Chinese quotes words; never between
    spaces, which read oddly in Chinese."""
    return name if name.startswith("《") and name.endswith("》") else f"“{name}”"


# The bot's own words for files and computers, as a Traditional (Taiwan) reader writes them:
# OpenCC's s2tw changes characters, not terms (文件名 stays 文件名). Not for contract text or
# names, which are quoted as written (a contract's 文件 are documents); s2twp, which changes
# terms, is not used: it writes 來原始檔夾 for 来源文件夹 and 獲準 for 获准.
TAIWAN_TERMS = {
    "文件名": "檔名", "文件夾": "資料夾", "文本文件": "文字檔", "文件": "檔案", "文檔": "文件",
    "字符": "字元", "服務器": "伺服器", "磁盤": "磁碟", "默認": "預設", "支持": "支援",
    "鏈接": "連結", "程序": "程式", "內存": "記憶體", "創建": "建立", "保存": "儲存",
    "設置": "設定", "反饋": "回饋", "信息": "資訊", "用戶": "使用者", "視頻": "影片",
    "網絡": "網路", "演示文稿": "簡報", "字體": "字型", "打開": "開啟", "電子表格": "試算表",
    "壓縮包": "壓縮檔", "粘貼": "貼上",
}
_TERMS = re.compile("|".join(sorted(map(re.escape, TAIWAN_TERMS), key=len, reverse=True)))


def in_script(text: str, script: Script) -> str:
    """The bot's own words ``text`` in ``script``: Traditional with Taiwan's terms (檔名,
    字元, 伺服器; each replaced once, so 文檔 becomes 文件, not 檔案)."""
    if script != "traditional":
        return to_script(text, script)
    return _TERMS.sub(lambda found: TAIWAN_TERMS[found[0]], to_traditional(text))


def say(text: str, script: Script, **values: object) -> str:
    """``text`` in ``script`` with ``values`` filled in (values are not converted)."""
    return in_script(text, script).format(**values)
