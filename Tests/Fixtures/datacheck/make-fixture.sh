#!/bin/sh
# Writes the `course data check` fixture: small JSONL files with one planted problem per line
# (see the comment before each line). Tests/SupportDeskTests/DataCheckerTests.swift expects
# each finding at the line given here. Run from this folder: sh make-fixture.sh
set -e
cd "$(dirname "$0")"

SYS_A='Order: SD-10001\nCustomer: Ava Reid, Standard member\nProduct: Nimbus Desk Lamp ($39.00)\nDelivered: March 3\nReturn window: 30 days (until April 2)\nRefund time: 5-7 business days'
USR_A='I ordered the Nimbus Desk Lamp and it arrived on March 3, but it is not what I expected. Can I return it?'
REP_A='Hi Ava, I am so sorry that the Nimbus Desk Lamp did not work out for you.\nI have checked order SD-10001, and it is within the return window of 30 days, until April 2.\nTo return it, please start a return in My Orders and send it back with the prepaid label; your refund follows within 5-7 business days of it reaching us.\nThank you for your patience.'
SYS_B='Order: SD-10002\nCustomer: Leo Khan, Plus member\nProduct: Summit Rain Jacket ($89.00)\nOrdered: May 2\nShipping time: 1-2 business days\nOriginal estimate: May 6\nNew estimate: May 9\nLost parcel rule: replacement or full refund after May 15'
USR_B='My order SD-10002 for the Summit Rain Jacket was supposed to arrive on May 6 and it still has not come. Where is it?'
REP_B='Hi Leo, I am sorry to hear that your Summit Rain Jacket has not arrived yet.\nI have checked order SD-10002: delivery usually takes 1-2 business days, and the carrier now expects it on May 9.\nYou can track it in My Orders; if it has not arrived by May 15, please reply and we will send a replacement or a full refund.\nRest assured, we are here to help.'
REP_B2='Hi Leo, I am sorry to hear that your Summit Rain Jacket has not arrived yet.\nI have checked order SD-10002: delivery usually takes 1-2 business days, and the carrier now expects it on May 9.\nYou can track it in My Orders; if it has not arrived by May 15, please reply and we will send a replacement or a full refund.\nRest assured, we are always here to help.'
SYS_C='Order: SD-10003\nCustomer: Mia Price, Standard member\nProduct: Cobalt Electric Kettle ($45.00)\nDelivered: June 1\nDamage reports: within 7 days of delivery\nReplacement ships in: 2 business days'
USR_C='The Cobalt Electric Kettle I received on June 1 is damaged. The box was crushed and it is cracked.'
SYS_D='Order: SD-10004\nCustomer: Noah Evans, Standard member\nProduct: Willow Wool Sweater ($64.00)\nDelivered: July 8\nExchange window: 30 days (until August 7)\nNew item: ships 2 business days after the return arrives'
USR_D='I would like to exchange my Willow Wool Sweater (order SD-10004) for another size, please.'
SYS_E='Order: SD-10005\nCustomer: Ruby Turner, Plus member\nProduct: Harbor Camping Tent ($199.00)\nDelivered: August 20\nWarranty: 2 years (until August 20, 2027)\nRepair time: 7 business days after it reaches us'
USR_E='My Harbor Camping Tent has developed a fault after a few months. Is it still under warranty?'
SYS_E2='Order: SD-10005\nCustomer: Ruby Turner, Plus member\nProduct: Harbor Camping Tent ($199.00)\nDelivered: August 20\nWarranty: 2 years (until August 20, 2027)\nRepair time: 7 business days after it reaches us!'

sft() { printf '{"id":"%s","combo":"%s","messages":[{"role":"system","content":"%s"},{"role":"user","content":"%s"},{"role":"assistant","content":"%s"}]}\n' "$1" "$2" "$3" "$4" "$5"; }

{
# line 1: clean
sft t1 "P01|standard|return" "$SYS_A" "$USR_A" "$REP_A"
# line 2: clean
sft t2 "P02|plus|late_delivery" "$SYS_B" "$USR_B" "$REP_B"
# line 3: exact duplicate of line 1
sft t3 "P01|standard|return" "$SYS_A" "$USR_A" "$REP_A"
# line 4: near duplicate of line 2 (one word added)
sft t4 "P02|plus|late_delivery" "$SYS_B" "$USR_B" "$REP_B2"
# line 5: malformed JSON (truncated line)
printf '{"id":"t5","messages":[{"role":"user","content":"Where is my order?"}\n'
# line 6: a message without "content"
printf '{"id":"t6","messages":[{"role":"user"}]}\n'
# line 7: an empty reply
printf '{"id":"t7","messages":[{"role":"user","content":"Where is my order?"},{"role":"assistant","content":""}]}\n'
# line 8: an unpaired row whose label is a string
printf '{"id":"t8","prompt":[{"role":"user","content":"Can I cancel?"}],"completion":[{"role":"assistant","content":"Yes."}],"label":"yes"}\n'
# line 9: an email address
sft t9 "P03|standard|return" "Order: SD-10009" "Please send the label to jane.doe@example.com, thanks." "I have checked order SD-10009. Please start a return in My Orders."
# line 10: a phone number
sft t10 "P03|standard|return" "Order: SD-10010" "Call me on 090-1234-5678 about order SD-10010." "I have checked order SD-10010. Please start a return in My Orders."
# line 11: a card number (a Luhn-valid test number)
sft t11 "P03|standard|return" "Order: SD-10011" "Charge my card 4111 1111 1111 1111 again for order SD-10011." "I have checked order SD-10011. Please start a return in My Orders."
# line 12: a training row whose prompt is eval.jsonl line 1
sft t12 "P04|standard|damaged_item" "$SYS_C" "$USR_C" "I am so sorry. I have checked order SD-10003. Please reply with a photo of the damage."
} > train.jsonl

{
# line 1: a clean page
printf '{"text":"Returns policy\\nYou can return an item within the return window of its category."}\n'
# line 2: a past ticket that quotes eval.jsonl line 2
printf '{"text":"Ticket SD-10004\\n%s\\n\\nCustomer: %s\\n\\nAgent: I am sorry. Please choose Exchange in My Orders."}\n' "$SYS_D" "$USR_D"
} > corpus.jsonl

{
# line 1: leakage, the same prompt as train.jsonl line 12
printf '{"id":"e1","prompt":[{"role":"system","content":"%s"},{"role":"user","content":"%s"}],"truth":{"combo":"P09|plus|damaged_item"}}\n' "$SYS_C" "$USR_C"
# line 2: leakage, the prompt is quoted in corpus.jsonl line 2
printf '{"id":"e2","prompt":[{"role":"system","content":"%s"},{"role":"user","content":"%s"}],"truth":{"combo":"P10|standard|exchange"}}\n' "$SYS_D" "$USR_D"
# line 3: leakage, nearly the prompt of train.jsonl line 13 (one character differs)
printf '{"id":"e3","prompt":[{"role":"system","content":"%s"},{"role":"user","content":"%s"}],"truth":{"combo":"P11|plus|warranty_claim"}}\n' "$SYS_E2" "$USR_E"
# line 4: leakage, its entity combination is used by train.jsonl line 2
printf '{"id":"e4","prompt":[{"role":"system","content":"Order: SD-10006"},{"role":"user","content":"Where is my parcel? It is late."}],"truth":{"combo":"P02|plus|late_delivery"}}\n'
} > eval.jsonl

# line 13 of train.jsonl: the training row eval.jsonl line 3 nearly repeats
sft t13 "P05|plus|warranty_claim" "$SYS_E" "$USR_E" "I am sorry. I have checked order SD-10005. Please file a warranty claim in My Orders." >> train.jsonl
