"""The media importer's messages (media files, zips of sheet + media), in Chinese and English.

Added to ``messages.MESSAGES`` on import, like map_messages. Pure."""

from __future__ import annotations

from . import messages as m

MESSAGES = {
    "media_missing": (
        "找不到媒体文件“{value}”（压缩包中没有这个文件）。",
        "The media file '{value}' was not found (it is not in the zip).",
    ),
    "media_missing_no_zip": (
        "找不到媒体文件“{value}”：请把表格和媒体文件夹一起打包成 .zip 上传。",
        "The media file '{value}' was not found: upload the sheet and its media folder "
        "together as one .zip.",
    ),
    "media_link": (
        "媒体“{value}”是网址；不会下载网上的文件，请把文件放进 .zip。",
        "The media '{value}' is a web address; nothing is downloaded: put the file in the .zip.",
    ),
    "media_unreadable": (
        "媒体文件“{value}”不是可显示的图片或可播放的音视频（支持 PNG、JPEG、GIF、WebP、"
        "MP3、OGG、WAV、M4A、MP4、WebM），或文件已损坏。",
        "The media file '{value}' is not a picture, sound or video we can show (PNG, JPEG, GIF, "
        "WebP, MP3, OGG, WAV, M4A, MP4, WebM), or it is damaged.",
    ),
    "media_too_large": (
        "媒体文件“{value}”有 {size}，超过单个图片的上限 {limit}。",
        "The media file '{value}' is {size}, over the limit of {limit} for a picture.",
    ),
    "media_too_large_av": (
        "媒体文件“{value}”有 {size}，超过单个音视频文件的上限 {limit}。",
        "The media file '{value}' is {size}, over the limit of {limit} for a sound or video.",
    ),
    "media_total_too_large": (
        "本次导入的媒体文件合计 {size}，超过上限 {limit}；请分批导入。",
        "The media of this import add up to {size}, over the limit of {limit}; import in parts.",
    ),
    "media_unplaced": (
        "工作表中的图片（第 {row} 行）不在任何题目的行内，已忽略。",
        "A picture in the sheet (row {row}) is not in any question's row; it was ignored.",
    ),
    "bundle_unsafe_path": (
        "压缩包中的“{part}”路径不安全（含 ../、绝对路径或符号链接），已拒绝整个文件。",
        "The zip entry '{part}' has an unsafe path (../, an absolute path or a symlink); "
        "the whole file is refused.",
    ),
    "bundle_encrypted": (
        "压缩包设置了密码；请去掉密码后重新打包。",
        "The zip is password-protected; pack it again without a password.",
    ),
    "bundle_no_sheet": (
        "压缩包里没有题目表格（.xlsx、.xls、.ods 或 .csv）。",
        "The zip holds no question sheet (.xlsx, .xls, .ods or .csv).",
    ),
    "bundle_too_large": (
        "压缩包太大（{size}），上限为 {limit}。",
        "The zip is too large ({size}); the limit is {limit}.",
    ),
}
m.MESSAGES.update(MESSAGES)
