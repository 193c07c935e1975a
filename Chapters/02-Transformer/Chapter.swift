// 02-Transformer: this chapter's module. Its files are named after the ideas they hold.
