#!/bin/sh
# Writes the same training rows twice, once in TRL's plain spelling (prompts and replies as
# strings) and once in its conversational spelling (lists of messages), covering every format
# the training runs accept, plus evaluation rows to check leakage against. `course data check`
# must report the same findings, at the same lines, for both files
# (Tests/SupportDeskTests/DataCheckerFormatTests.swift). Run from this folder:
#     sh make-formats-fixture.sh
set -e
cd "$(dirname "$0")"

SYS_A='Order: SD-20001\nCustomer: Ava Reid, Standard member\nProduct: Nimbus Desk Lamp ($39.00)\nReturn window: 30 days (until April 2)'
USR_A='The Nimbus Desk Lamp I ordered is not what I expected. Can I still send it back?'
REP_A='Hi Ava, I am sorry the Nimbus Desk Lamp did not work out.\nOrder SD-20001 is within its 30-day return window, until April 2.\nPlease start a return in My Orders and use the prepaid label.\nThank you for your patience.'
SYS_B='Order: SD-20002\nCustomer: Leo Khan, Plus member\nProduct: Summit Rain Jacket ($89.00)\nNew estimate: May 9'
USR_B='My Summit Rain Jacket was due on May 6 and it has still not arrived. What is going on?'
REP_B='Hi Leo, I am sorry your Summit Rain Jacket is late.\nI have checked order SD-20002: the carrier now expects it on May 9.\nYou can follow it in My Orders, and if it has not come by May 15 we will replace it.\nRest assured, we are here to help.'
REP_B2='Hi Leo, I am sorry your Summit Rain Jacket is late.\nI have checked order SD-20002: the carrier now expects it on May 9.\nYou can follow it in My Orders, and if it has not come by May 15 we will replace it.\nRest assured, we are always here to help.'
SYS_C='Order: SD-20003\nCustomer: Mia Price, Standard member\nProduct: Cobalt Electric Kettle ($45.00)\nDamage reports: within 7 days of delivery'
USR_C='The Cobalt Electric Kettle arrived today with a cracked lid. What should I do?'
GOOD_C='Hi Mia, I am so sorry the kettle arrived damaged.\nOrder SD-20003 is within the 7 days for damage reports.\nPlease reply with a photo and we will ship a replacement.\nThank you for letting us know.'
BAD_C='Send a photo.'
SYS_D='Order: SD-20004\nCustomer: Noah Evans, Standard member\nProduct: Willow Wool Sweater ($64.00)\nExchange window: 30 days (until August 7)'
USR_D='Could I swap my Willow Wool Sweater for a larger size?'
GOOD_D='Hi Noah, I am sorry the sweater does not fit.\nOrder SD-20004 can be exchanged until August 7.\nChoose Exchange in My Orders and pick the larger size.\nWe will ship it as soon as the return arrives.'
USR_E='Please cancel order SD-20005, and write to me at jane.doe@example.com or call 090-1234-5678.'
REP_E='We can cancel it, no problem, we will call you on 090-1234-5678 later today.'
USR_F='Is the Harbor Camping Tent waterproof, and does it come with a ground sheet?'
REP_F='Hi, the Harbor Camping Tent is waterproof and comes with a ground sheet in the bag.'
USR_G='Where can I find my invoice for order SD-20007?'
REP_G='You will find it in My Orders.'
REP_G2='Your invoice is in My Orders under order SD-20007.'

# Messages and strings: m ROLE TEXT is one message; the rest build whole rows.
m() { printf '{"role":"%s","content":"%s"}' "$1" "$2"; }
chat() { printf '[%s]' "$1"; }
str() { printf '"%s"' "$1"; }

# Rows in both spellings. FORM is chat or plain; a prompt with a system message reads, in
# plain form, as the system text and the user text on two lines (the same joined text).
prompt() { # FORM SYS USR
    if [ "$1" = chat ]; then
        if [ -n "$2" ]; then chat "$(m system "$2"),$(m user "$3")"; else chat "$(m user "$3")"; fi
    else
        if [ -n "$2" ]; then str "$2\\n$3"; else str "$3"; fi
    fi
}
reply() { if [ "$1" = chat ]; then chat "$(m assistant "$2")"; else str "$2"; fi; }

rows() { # FORM
    F=$1
    # line 1: language modelling (the same in both spellings)
    printf '{"text":"Shipping policy\\nStandard orders ship within 1-2 business days; Plus members get free express shipping."}\n'
    # line 2: SFT, clean (chat: messages; plain: prompt/completion strings)
    if [ "$F" = chat ]; then
        printf '{"messages":%s}\n' "$(chat "$(m system "$SYS_A"),$(m user "$USR_A"),$(m assistant "$REP_A")")"
    else
        printf '{"prompt":%s,"completion":%s}\n' "$(prompt plain "$SYS_A" "$USR_A")" "$(reply plain "$REP_A")"
    fi
    # line 3: SFT prompt-completion, clean
    printf '{"prompt":%s,"completion":%s}\n' "$(prompt "$F" "$SYS_B" "$USR_B")" "$(reply "$F" "$REP_B")"
    # line 4: exact duplicate of line 2 (chat: spelt as prompt-completion this time)
    printf '{"prompt":%s,"completion":%s}\n' "$(prompt "$F" "$SYS_A" "$USR_A")" "$(reply "$F" "$REP_A")"
    # line 5: near duplicate of line 3 (one word added to the reply)
    printf '{"prompt":%s,"completion":%s}\n' "$(prompt "$F" "$SYS_B" "$USR_B")" "$(reply "$F" "$REP_B2")"
    # line 6: preference, clean, with a named flaw
    printf '{"prompt":%s,"chosen":%s,"rejected":%s,"flaw":"cold_tone"}\n' \
        "$(prompt "$F" "$SYS_D" "$USR_D")" "$(reply "$F" "$GOOD_D")" "$(reply "$F" "Use Exchange in My Orders.")"
    # line 7: unpaired, clean, a desirable reply
    printf '{"prompt":%s,"completion":%s,"label":true}\n' "$(prompt "$F" "" "$USR_F")" "$(reply "$F" "$REP_F")"
    # line 8: unpaired, an undesirable reply; personal data: an email and a phone number in
    # the prompt, the phone number again in the reply
    printf '{"prompt":%s,"completion":%s,"label":false}\n' "$(prompt "$F" "" "$USR_E")" "$(reply "$F" "$REP_E")"
    # line 9: preference whose prompt is formats-eval.jsonl line 1 (leakage)
    printf '{"prompt":%s,"chosen":%s,"rejected":%s}\n' "$(prompt "$F" "$SYS_C" "$USR_C")" "$(reply "$F" "$GOOD_C")" "$(reply "$F" "$BAD_C")"
    # line 10: unpaired row with the entity combination of formats-eval.jsonl line 2 (leakage)
    printf '{"prompt":%s,"completion":%s,"label":true,"combo":"P07|plus|invoice"}\n' "$(prompt "$F" "" "$USR_G")" "$(reply "$F" "$REP_G2")"
    # line 11: malformed, chosen and rejected are the same reply
    printf '{"prompt":%s,"chosen":%s,"rejected":%s}\n' "$(prompt "$F" "" "$USR_G")" "$(reply "$F" "$REP_G")" "$(reply "$F" "$REP_G")"
    # line 12: malformed, the label is a string
    printf '{"prompt":%s,"completion":%s,"label":"yes"}\n' "$(prompt "$F" "" "$USR_G")" "$(reply "$F" "$REP_G")"
}

rows chat > formats-chat.jsonl
rows plain > formats-plain.jsonl

{
# line 1: the prompt of line 9 (exact leakage)
printf '{"id":"f1","prompt":%s,"truth":{"combo":"P03|standard|damaged_item"}}\n' "$(prompt chat "$SYS_C" "$USR_C")"
# line 2: a new prompt, but the entity combination of line 10 (leakage)
printf '{"id":"f2","prompt":%s,"truth":{"combo":"P07|plus|invoice"}}\n' \
    "$(prompt chat 'Order: SD-20017\nCustomer: Ruby Turner, Plus member' 'I need a copy of the invoice for my last order, please.')"
# line 3: clean
printf '{"id":"f3","prompt":%s,"truth":{"combo":"P08|standard|warranty_claim"}}\n' \
    "$(prompt chat 'Order: SD-20018\nCustomer: Omar Hill, Standard member\nWarranty: 2 years' 'My kettle stopped heating after a month. Is that covered?')"
} > formats-eval.jsonl
