"""The Wellness agent's words: reviewed, practical, non-clinical self-care steps per concern, in
English and Hindi. They are the everyday steps public mental-health guidance gives (paced
breathing, sleep hygiene, grounding, activity scheduling, reaching out); none is a treatment,
none names a medicine, and every answer ends with the reminder that this is not a medical service.
Changing a text here is a content change: have it reviewed as such.
"""

from dataclasses import dataclass

from plugins.agents.wellness.lexicon import Concern


@dataclass(frozen=True)
class Guidance:
    opening: str
    steps: tuple[str, ...]


ENGLISH: dict[Concern, Guidance] = {
    "stress": Guidance(
        "That sounds like a lot to carry. A few things that often help with stress:",
        (
            "Paced breathing: breathe in gently for 4 counts and out for 6, for two or three minutes. "
            "A longer out-breath helps the body settle.",
            "Write down what is on your mind, then pick one small thing you can do in the next hour.",
            "Move for ten minutes: a walk, stretching, climbing stairs.",
            "Tell someone you trust what is weighing on you.",
        ),
    ),
    "sleep": Guidance(
        "Poor sleep wears everything down. Some steps that help many people sleep better:",
        (
            "Get up at the same time every day, weekends too; it sets your body clock.",
            "Put screens away 30 to 60 minutes before bed, and keep the room dark, cool and quiet.",
            "Avoid tea, coffee and cola after mid-afternoon, and heavy meals late at night.",
            "If you cannot fall asleep in about 20 minutes, get up, do something calm in dim light, "
            "and go back to bed when you feel sleepy.",
            "Get some daylight in the morning and some activity during the day.",
        ),
    ),
    "anxiety": Guidance(
        "Worry can feel relentless. These can help bring it down a notch:",
        (
            "Grounding, 5-4-3-2-1: name 5 things you can see, 4 you can touch, 3 you can hear, "
            "2 you can smell and 1 you can taste.",
            "Slow your breathing: in for 4 counts, out for 6, until your body feels calmer.",
            "Keep a 15-minute worry time each day: write worries down then, and when one comes "
            "at another time, note it for later.",
            "Ask yourself what is in your control right now, and take one small step on that.",
        ),
    ),
    "low_mood": Guidance(
        "I'm sorry you're feeling low. Small steps can lift the mood a little at a time:",
        (
            "Plan one small, doable thing you used to enjoy, and do it even if you don't feel like it.",
            "Get outside in daylight and move a little every day.",
            "Keep regular times for meals and sleep.",
            "Tell someone you trust how you have been feeling.",
        ),
    ),
    "loneliness": Guidance(
        "Feeling alone is hard, and it is more common than it seems. Some ways to reconnect:",
        (
            "Reach out to one person today: a short message or call is enough.",
            "Join something regular around an interest: a class, a group, volunteering.",
            "Small contact counts too: greet a neighbour, chat with a shopkeeper.",
            "Be kind to yourself: loneliness does not mean something is wrong with you.",
        ),
    ),
    "pressure": Guidance(
        "Exams and deadlines can pile up. Ways to make the load more manageable:",
        (
            "Break the work into small tasks; work on the next one for 25 minutes, then take a "
            "5-minute break.",
            "Choose two or three priorities for today and let the rest wait.",
            "Protect sleep, meals and a short walk: they help concentration more than extra late hours.",
            "If the load is too much, talk early to a teacher, manager or colleague about it.",
        ),
    ),
    "anger": Guidance(
        "Anger is a normal feeling; what helps is giving it room before acting on it:",
        (
            "Pause before you respond: step away for a few minutes and count slowly to ten.",
            "Breathe slowly, making each out-breath longer than the in-breath.",
            "Burn off the tension: a brisk walk or some exercise.",
            'When you are calm, say what upset you as "I feel ... when ...".',
        ),
    ),
    "grief": Guidance(
        "I'm so sorry for your loss. Grief takes its own time. Some things that may help:",
        (
            "Let yourself feel what comes; there is no right way or timetable to grieve.",
            "Talk about the person with someone who knew them, or write down your memories.",
            "Keep simple routines: eating, sleeping, a little movement.",
            "Accept help, and let people know what would help you.",
        ),
    ),
}

HINDI: dict[Concern, Guidance] = {
    "stress": Guidance(
        "लगता है आप पर बहुत बोझ है। तनाव में अक्सर ये बातें मदद करती हैं:",
        (
            "धीमी साँस: 4 गिनती तक धीरे से साँस लें और 6 गिनती तक छोड़ें, दो-तीन मिनट तक। "
            "लंबी साँस छोड़ने से शरीर शांत होता है।",
            "जो मन में चल रहा है उसे लिख लें, फिर एक छोटा काम चुनें जो आप अगले एक घंटे में कर सकें।",
            "दस मिनट चलें-फिरें: टहलना, स्ट्रेचिंग, सीढ़ियाँ चढ़ना।",
            "किसी भरोसेमंद व्यक्ति को बताएँ कि आपको क्या परेशान कर रहा है।",
        ),
    ),
    "sleep": Guidance(
        "ठीक से नींद न आना सब कुछ थका देता है। ये कदम बहुत लोगों को बेहतर सोने में मदद करते हैं:",
        (
            "रोज़ एक ही समय पर उठें, छुट्टी के दिन भी; इससे शरीर की घड़ी ठीक रहती है।",
            "सोने से 30 से 60 मिनट पहले फ़ोन और स्क्रीन दूर रखें; कमरा अँधेरा, ठंडा और शांत रखें।",
            "दोपहर के बाद चाय, कॉफ़ी और कोला न लें, और देर रात भारी खाना न खाएँ।",
            "अगर लगभग 20 मिनट में नींद न आए, तो उठकर हल्की रोशनी में कुछ शांत काम करें, और नींद आने पर फिर लेटें।",
            "सुबह थोड़ी धूप लें और दिन में कुछ शारीरिक गतिविधि करें।",
        ),
    ),
    "anxiety": Guidance(
        "चिंता कभी-कभी थमती नहीं। ये तरीके उसे थोड़ा कम कर सकते हैं:",
        (
            "5-4-3-2-1 अभ्यास: 5 चीज़ें जो दिख रही हैं, 4 जिन्हें छू सकते हैं, 3 आवाज़ें जो सुन रहे हैं, "
            "2 गंध और 1 स्वाद का नाम लें।",
            "साँस धीमी करें: 4 गिनती तक अंदर, 6 गिनती तक बाहर, जब तक शरीर शांत न लगे।",
            "रोज़ 15 मिनट का 'चिंता का समय' रखें: तभी चिंताएँ लिखें, और बाकी समय आई चिंता को बाद के लिए नोट कर लें।",
            "खुद से पूछें कि अभी आपके बस में क्या है, और उस पर एक छोटा कदम उठाएँ।",
        ),
    ),
    "low_mood": Guidance(
        "यह सुनकर दुख हुआ कि आपका मन उदास है। छोटे कदम धीरे-धीरे मन हल्का कर सकते हैं:",
        (
            "कोई एक छोटा, आसान काम तय करें जो आपको पहले अच्छा लगता था, और उसे करें, चाहे मन न हो।",
            "रोज़ थोड़ी देर बाहर धूप में जाएँ और थोड़ा चलें-फिरें।",
            "खाने और सोने का समय नियमित रखें।",
            "किसी भरोसेमंद व्यक्ति को बताएँ कि आप कैसा महसूस कर रहे हैं।",
        ),
    ),
    "loneliness": Guidance(
        "अकेलापन मुश्किल होता है, और यह जितना लगता है उससे कहीं ज़्यादा आम है। फिर से जुड़ने के कुछ तरीके:",
        (
            "आज किसी एक व्यक्ति से संपर्क करें: एक छोटा संदेश या फ़ोन काफ़ी है।",
            "अपनी रुचि की किसी नियमित गतिविधि से जुड़ें: कोई क्लास, समूह या सेवा का काम।",
            "छोटी बातचीत भी मायने रखती है: पड़ोसी को नमस्ते कहें, दुकानदार से बात करें।",
            "खुद के प्रति नरम रहें: अकेलापन महसूस करने का मतलब यह नहीं कि आपमें कोई कमी है।",
        ),
    ),
    "pressure": Guidance(
        "परीक्षा और डेडलाइन का दबाव बढ़ जाता है। बोझ को संभालने लायक बनाने के तरीके:",
        (
            "काम को छोटे हिस्सों में बाँटें; अगले हिस्से पर 25 मिनट काम करें, फिर 5 मिनट का विराम लें।",
            "आज के लिए दो-तीन ज़रूरी काम चुनें, बाकी बाद में।",
            "नींद, खाना और थोड़ी सैर न छोड़ें: ये देर रात तक पढ़ने-काम करने से ज़्यादा ध्यान बढ़ाते हैं।",
            "अगर बोझ बहुत ज़्यादा है, तो जल्दी ही किसी शिक्षक, मैनेजर या साथी से बात करें।",
        ),
    ),
    "anger": Guidance(
        "गुस्सा आना स्वाभाविक है; मदद इससे मिलती है कि उस पर कुछ करने से पहले थोड़ा रुकें:",
        (
            "जवाब देने से पहले रुकें: कुछ मिनट के लिए हट जाएँ और धीरे-धीरे दस तक गिनें।",
            "धीरे साँस लें, साँस छोड़ना साँस लेने से लंबा रखें।",
            "तनाव को बाहर निकालें: तेज़ चलना या कुछ व्यायाम।",
            'शांत होने पर बताएँ कि क्या बुरा लगा, "मुझे ... लगता है जब ..." की तरह।',
        ),
    ),
    "grief": Guidance(
        "आपके दुख के लिए मुझे बहुत अफ़सोस है। शोक अपना समय लेता है। ये बातें मदद कर सकती हैं:",
        (
            "जो महसूस हो उसे महसूस करने दें; शोक का कोई सही तरीका या समय-सीमा नहीं है।",
            "उस व्यक्ति के बारे में किसी ऐसे से बात करें जो उन्हें जानता था, या अपनी यादें लिखें।",
            "सरल दिनचर्या बनाए रखें: खाना, सोना, थोड़ा चलना-फिरना।",
            "मदद स्वीकार करें, और लोगों को बताएँ कि आपको किस चीज़ से मदद मिलेगी।",
        ),
    ),
}

GENERAL_ENGLISH = Guidance(
    "Thank you for sharing how you feel. A few things that can help right now:",
    (
        "Take a few slow breaths: in for 4 counts, out for 6.",
        "Tell me a little more about what is going on, if you like: stress, sleep, worry, mood, "
        "feeling alone, exams or work, anger, or a loss.",
        "Reach out to someone you trust and let them know how you are.",
    ),
)
GENERAL_HINDI = Guidance(
    "अपनी बात बताने के लिए धन्यवाद। अभी ये बातें मदद कर सकती हैं:",
    (
        "कुछ धीमी साँसें लें: 4 गिनती तक अंदर, 6 गिनती तक बाहर।",
        "चाहें तो मुझे थोड़ा और बताएँ कि क्या चल रहा है: तनाव, नींद, चिंता, उदासी, अकेलापन, "
        "परीक्षा या काम, गुस्सा, या किसी को खोने का दुख।",
        "किसी भरोसेमंद व्यक्ति से संपर्क करें और उन्हें बताएँ कि आप कैसे हैं।",
    ),
)

NOT_MEDICAL_ENGLISH = (
    "I am not a medical service and cannot diagnose or treat anything. If this goes on for more "
    "than two weeks, or gets in the way of daily life, please talk to a doctor or a counsellor "
    "(in India, Tele-MANAS on 14416 is free and confidential)."
)
NOT_MEDICAL_HINDI = (
    "मैं कोई चिकित्सा सेवा नहीं हूँ और किसी बीमारी की पहचान या इलाज नहीं कर सकता। अगर यह दो हफ़्ते से "
    "ज़्यादा चले या रोज़ के कामकाज में रुकावट डाले, तो कृपया किसी डॉक्टर या काउंसलर से बात करें "
    "(भारत में Tele-MANAS 14416 पर मुफ़्त और गोपनीय मदद मिलती है)।"
)
DECLINE_ENGLISH = (
    "I can't suggest medicines or say whether you have a condition: that needs a doctor who can "
    "ask the right questions and examine you. Please see a doctor or a psychiatrist about it, and "
    "don't start, stop or change any medicine on your own."
)
OFFER_ENGLISH = (
    "In the meantime I am happy to share everyday self-care steps for stress, sleep, worry or low mood."
)
DECLINE_HINDI = (
    "मैं दवा नहीं बता सकता और न ही यह कह सकता हूँ कि आपको कोई बीमारी है: इसके लिए डॉक्टर की ज़रूरत है, "
    "जो सही सवाल पूछकर जाँच कर सकें। कृपया इसके बारे में किसी डॉक्टर या मनोचिकित्सक से मिलें, और "
    "कोई भी दवा अपने आप शुरू, बंद या बदलें नहीं।"
)
OFFER_HINDI = "तब तक मैं तनाव, नींद, चिंता या उदासी के लिए रोज़मर्रा के आसान उपाय बता सकता हूँ।"

LABELS_ENGLISH: dict[Concern, str] = {
    "stress": "stress",
    "sleep": "sleep",
    "anxiety": "worry",
    "low_mood": "low mood",
    "loneliness": "loneliness",
    "pressure": "exam or work pressure",
    "anger": "anger",
    "grief": "grief",
}
LABELS_HINDI: dict[Concern, str] = {
    "stress": "तनाव",
    "sleep": "नींद",
    "anxiety": "चिंता",
    "low_mood": "उदासी",
    "loneliness": "अकेलापन",
    "pressure": "परीक्षा या काम का दबाव",
    "anger": "गुस्सा",
    "grief": "शोक",
}
