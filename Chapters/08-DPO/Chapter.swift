// 08-DPO: this chapter's module. Its files are named after the ideas they hold.
