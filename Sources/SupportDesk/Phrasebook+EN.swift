// English wording. The replies follow one house style: apology, confirming the details, the
// procedure, a reassuring close; each move has a few paraphrases, no more, so a small model can
// learn the shape and copy the facts.

extension Phrasebook {
    static let en = Phrasebook(
        apology: [
            "Hi {first}, I'm so sorry {problem}.",
            "Hi {first}, I'm sorry to hear {problem}.",
            "Dear {first}, my apologies {for}.",
            "Hello {first}, I apologise {for}.",
        ],
        close: [
            "Please don't hesitate to contact us again.",
            "If you have any other questions, we're happy to help.",
            "Thank you for your patience.",
            "Rest assured, we're here to help.",
        ],
        coldOpeners: [
            "{first}, as clearly stated in our policy, this is your responsibility.",
            "{first}, you should have read our policy before writing to us.",
            "Your complaint has been noted, {first}.",
        ],
        coldClosers: [
            "That is all we can do.",
            "Please do not contact us again about this.",
            "There is nothing more to discuss.",
        ],
        overPromises: [
            "I guarantee everything will be sorted out by tomorrow.",
            "I promise this will never happen again.",
            "You will definitely be completely satisfied, no matter what.",
        ],
        inventedAmount: [
            "I have also added a {fakeAmount} store credit to your account as a goodwill gesture.",
            "As a thank-you, a {fakeAmount} discount has been applied to your next order.",
        ],
        inventedDate: [
            "A second parcel was also sent to you on {fakeDate}.",
            "Our courier attempted an earlier delivery on {fakeDate}.",
        ],
        polite: ("Hello. ", " Thank you."),
        upset: ("", " I'm not happy about this."),
        moveSeparator: "\n",
        scenarios: [
            .returnRequest: ScenarioPhrases(
                messages: [
                    "I ordered the {product} and it arrived on {delivered}, but it's not what I expected. Can I return it?",
                    "I'd like to return my {product} from order {order}. How do I do that?",
                    "I changed my mind about the {product} (order {order}). What's the return process?",
                    "Can I still send back the {product}? It came on {delivered} and I don't need it anymore.",
                ],
                problem: "that the {product} did not work out for you",
                forPhrase: "for the trouble with your {product}",
                confirm: [
                    "I have checked order {order}, and it is within the return window of {days}, until {returnBy}.",
                    "I can see that order {order} is still within our return window of {days}, open until {returnBy}.",
                    "Looking at order {order}, the {product} can be returned until {returnBy}, within the return period of {days}.",
                ],
                procedure: [
                    "To return it, please start a return in My Orders and send it back with the prepaid label; your refund follows within {refund} of it reaching us.",
                    "Please open My Orders, choose Return item and pack it with the prepaid label; we will refund you within {refund} after it arrives.",
                    "Here is what to do: request a return in My Orders and send the parcel back with the prepaid label; your refund is issued within {refund} of receipt.",
                ],
                steps: [Step(name: "start the return in My Orders", cues: ["my orders"]),
                        Step(name: "send the item back", cues: ["send", "pack", "label"])],
                forbidden: ["outside the return window", "window has closed", "cannot be returned"],
                overPromise: "I guarantee your refund will be in your account by tomorrow."),
            .lateDelivery: ScenarioPhrases(
                messages: [
                    "My order {order} for the {product} was supposed to arrive on {expected} and it still hasn't come. Where is it?",
                    "Still no sign of my {product}. I ordered it on {ordered}.",
                    "Could you check on order {order}? The {product} hasn't arrived yet.",
                    "My {product} is late. When will it actually get here?",
                ],
                problem: "that your {product} has not arrived yet",
                forPhrase: "for the delay with your {product}",
                confirm: [
                    "I have checked order {order}: delivery usually takes {ship}, and the carrier now expects it on {newEstimate}.",
                    "I can see that order {order} is still with the carrier; it normally takes {ship}, and the new estimate is {newEstimate}.",
                    "Looking at order {order}, the carrier's updated delivery date is {newEstimate}, later than our usual {ship}.",
                ],
                procedure: [
                    "You can track it in My Orders; if it has not arrived by {lostBy}, please reply and we will send a replacement or a full refund.",
                    "I have asked the carrier to prioritise it; you can track it in My Orders, and if it is not with you by {lostBy}, we will send a replacement or a full refund.",
                    "Please keep an eye on the tracking in My Orders; if nothing arrives by {lostBy}, we will arrange a replacement or a full refund.",
                ],
                steps: [Step(name: "track the parcel", cues: ["track"]),
                        Step(name: "replacement or refund if it does not arrive", cues: ["replacement", "full refund"])],
                forbidden: ["has been delivered", "was delivered on", "is lost"],
                overPromise: "It will definitely arrive tomorrow, I guarantee it."),
            .damagedItem: ScenarioPhrases(
                messages: [
                    "The {product} I received on {delivered} is damaged. The box was crushed and it's cracked.",
                    "My {product} (order {order}) arrived broken. What can you do?",
                    "I just opened my {product} and it's scratched and dented. Very disappointing.",
                    "The {product} came damaged. Can I get a new one?",
                ],
                problem: "that your {product} arrived damaged",
                forPhrase: "for the damage to your {product}",
                confirm: [
                    "I have checked order {order}, delivered on {delivered}, and your report is well within the {report} we allow.",
                    "I can see that order {order} arrived on {delivered}, within the {report} allowed for damage reports.",
                    "Looking at order {order}, the {product} reached you on {delivered}, so you are within the {report} for reporting damage.",
                ],
                procedure: [
                    "Please reply with a photo of the damage, and we will ship a free replacement within {replace}; no need to send the damaged one back.",
                    "Please send us a photo of the damage and the box; a free replacement then ships within {replace}, and you can keep the damaged item.",
                    "Here is what happens next: reply with a photo, and we will send a new one free of charge within {replace}.",
                ],
                steps: [Step(name: "send a photo", cues: ["photo", "picture"]),
                        Step(name: "free replacement", cues: ["replacement", "send a new"])],
                forbidden: ["too late to report", "not covered"],
                overPromise: "I promise the replacement will be perfect, guaranteed."),
            .wrongItem: ScenarioPhrases(
                messages: [
                    "I ordered the {product} but received the {received} instead. Order {order}.",
                    "Wrong item in my package! I got the {received}, not the {product} I ordered.",
                    "Order {order} contained the {received} rather than my {product}. Can you fix this?",
                ],
                problem: "that you received the wrong item",
                forPhrase: "for sending you the wrong item",
                confirm: [
                    "I have checked order {order}: you ordered the {product}, but the {received} was sent instead.",
                    "I can see that order {order} should have contained the {product}, not the {received}.",
                    "Looking at order {order}, our warehouse packed the {received} instead of the {product}.",
                ],
                procedure: [
                    "We will ship the right item within {replace}, and I have emailed you a prepaid label to send the wrong one back.",
                    "Please use the prepaid label I have emailed you to return the wrong item; the right one ships within {replace}, without waiting for the return.",
                    "Here is the plan: the correct item ships within {replace}, and you can return the other one with the prepaid label in your email.",
                ],
                steps: [Step(name: "prepaid return label", cues: ["label"]),
                        Step(name: "ship the right item", cues: ["ship"])],
                forbidden: ["you ordered the wrong", "your mistake"],
                overPromise: "I guarantee the right item will be with you tomorrow."),
            .warrantyClaim: ScenarioPhrases(
                messages: [
                    "My {product} has developed a fault after a few months. Is it still under warranty?",
                    "The {product} from order {order} has stopped working properly. Can I get it repaired?",
                    "Something is wrong with my {product}. I bought it on {delivered}. What are my options?",
                ],
                problem: "that your {product} has developed a fault",
                forPhrase: "for the trouble with your {product}",
                confirm: [
                    "I have checked order {order}: your {product} is covered by the warranty period of {warranty}, until {warrantyUntil}.",
                    "I have checked order {order}, and your {product} is within its warranty period of {warranty}, valid until {warrantyUntil}.",
                    "Looking at order {order}, the warranty period of {warranty} covers your {product} until {warrantyUntil}.",
                ],
                procedure: [
                    "Please file a warranty claim in My Orders with the serial number and a note on the fault; we will repair or replace it within {repair} of receiving it.",
                    "To start, please submit a warranty claim in My Orders with the serial number; after it reaches us, we will repair or replace it within {repair}.",
                    "Here is what to do: open a warranty claim in My Orders and add the serial number; we will repair or replace the item within {repair} of receiving it.",
                ],
                steps: [Step(name: "warranty claim", cues: ["warranty claim"]),
                        Step(name: "serial number", cues: ["serial"]),
                        Step(name: "repair or replace", cues: ["repair"])],
                forbidden: ["warranty has expired", "not covered", "out of warranty"],
                overPromise: "I promise the repair will definitely fix it for good."),
            .refundStatus: ScenarioPhrases(
                messages: [
                    "I returned my {product} and you received it on {returnReceived}. When will I get my refund?",
                    "Where is my refund for order {order}? I sent the {product} back a while ago.",
                    "I'm still waiting for the refund for my {product}. Can you check?",
                ],
                problem: "that you are still waiting for your refund",
                forPhrase: "for the wait on your refund",
                confirm: [
                    "I have checked order {order}: your return arrived on {returnReceived}, and a refund of {amount} has been approved.",
                    "I can see that your return for order {order} reached us on {returnReceived}, and the refund of {amount} is approved.",
                    "Looking at order {order}, the {product} came back to us on {returnReceived}, and your refund of {amount} is on its way.",
                ],
                procedure: [
                    "It goes back to your original payment method within {refund}, and we will email you once it has been sent.",
                    "You will see it on your original payment method within {refund}; we will send a confirmation email when it is processed.",
                    "It will be paid to your original payment method within {refund}, and we will email you a confirmation.",
                ],
                steps: [Step(name: "original payment method", cues: ["original payment"]),
                        Step(name: "confirmation email", cues: ["email"])],
                forbidden: ["never received your return", "no refund"],
                overPromise: "I guarantee the money will be back by tomorrow."),
            .exchange: ScenarioPhrases(
                messages: [
                    "The {product} isn't right for me. Can I exchange it for a different {variant}?",
                    "I'd like to exchange my {product} (order {order}) for another {variant}.",
                    "Could I exchange the {product} I got on {delivered}? I need a different {variant}.",
                ],
                problem: "that the {product} is not quite right",
                forPhrase: "for the trouble with your {product}",
                confirm: [
                    "I have checked order {order}: you are within the exchange window of {days}, until {returnBy}.",
                    "I can see that the exchange window of {days} for order {order} is open until {returnBy}.",
                    "Looking at order {order}, the {product} can be exchanged until {returnBy}, within our window of {days}.",
                ],
                procedure: [
                    "Please choose Exchange in My Orders, pick the new {variant} and send the item back with the prepaid label; the new one ships within {replace} of it reaching us.",
                    "To exchange it, please select the new {variant} in My Orders and return the item with the prepaid label; we will ship the new one within {replace} after it arrives.",
                    "Here is what to do: request an exchange in My Orders and send the item back with the prepaid label; your new {variant} ships within {replace} of receiving it.",
                ],
                steps: [Step(name: "exchange in My Orders", cues: ["my orders"]),
                        Step(name: "send the item back with the label", cues: ["label"])],
                forbidden: ["cannot be exchanged", "window has closed"],
                overPromise: "I promise the new one will definitely be perfect."),
            .cancellation: ScenarioPhrases(
                messages: [
                    "I placed order {order} for the {product} on {ordered}, but I need to cancel it. Is that possible?",
                    "Please cancel my order for the {product}. I ordered it by mistake.",
                    "Can I still cancel order {order}? I don't need the {product} anymore.",
                ],
                problem: "about the trouble with your order",
                forPhrase: "for any inconvenience with your order",
                confirm: [
                    "I have checked order {order} for the {product}: it has not shipped yet, so cancelling is free of charge.",
                    "I can see that order {order} for the {product} has not shipped, so cancelling is free.",
                    "Looking at order {order}, the {product} has not left our warehouse yet, so cancelling costs nothing.",
                ],
                procedure: [
                    "I have cancelled the order for you, and the full {amount} will be refunded to your original payment method within {refund}.",
                    "I have cancelled it now, and {amount} goes back to your original payment method within {refund}.",
                    "The order is now cancelled, and your refund of {amount} will reach your original payment method within {refund}.",
                ],
                steps: [Step(name: "cancel the order", cues: ["cancelled"]),
                        Step(name: "refund to the original payment method", cues: ["original payment"])],
                forbidden: ["already shipped", "cannot be cancelled", "cancellation fee"],
                overPromise: "I guarantee you will have the money back today."),
        ])
}
