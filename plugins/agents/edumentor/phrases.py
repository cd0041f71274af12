"""What EduMentor says around the material, in English and Hindi (the material keeps its own language)."""

_ENGLISH = {
    "key_terms": "Key terms: {terms}.",
    "try_quiz": 'Say "quiz me on {topic}" to test yourself.',
    "no_material": "The knowledge base I can read has nothing on {topic}, so I cannot teach it from there.",
    "thin": "The material on {topic} is too thin to make questions from.",
    "no_topic": 'Which topic shall we study? Name it, e.g. "explain photosynthesis".',
    "no_quiz": "There is no quiz to grade yet: ask me to quiz you on a topic first.",
    "no_answers": 'I have your quiz but no answers yet: send them in order, e.g. "answers: B, <word>, A".',
    "quiz_header": "Quiz on {topic}: {count} questions. Fill each gap (_____).",
    "quiz_footer": 'Send your answers in order (letters or words), e.g. "answers: B, <word>, A".',
    "right": "Right: {answer}. The material says {said}.",
    "unanswered": "No answer given; it is {answer}. The material says {said}.",
    "wrong": "Not quite: you said {chosen}, but it is {answer}. The material says {said}.",
    "score": "You got {correct} of {total} right on {topic}.",
    "progress": "Quizzes taken: {taken}; scores so far: {scores}.",
}
_HINDI = {
    "key_terms": "मुख्य शब्द: {terms}।",
    "try_quiz": 'खुद को परखने के लिए कहिए "{topic} पर क्विज़ लीजिए"।',
    "no_material": "जो सामग्री मैं पढ़ सकता हूँ, उसमें {topic} पर कुछ नहीं है, इसलिए मैं इसे वहाँ से नहीं सिखा सकता।",
    "thin": "{topic} पर सामग्री इतनी कम है कि उससे प्रश्न नहीं बन सकते।",
    "no_topic": 'कौन-सा विषय पढ़ें? उसका नाम बताइए, जैसे "प्रकाश संश्लेषण समझाइए"।',
    "no_quiz": "अभी जाँचने के लिए कोई क्विज़ नहीं है: पहले किसी विषय पर क्विज़ माँगिए।",
    "no_answers": 'आपका क्विज़ मेरे पास है, पर उत्तर नहीं मिले: उन्हें क्रम से भेजिए, जैसे "उत्तर: B, <शब्द>, A"।',
    "quiz_header": "{topic} पर क्विज़: {count} प्रश्न। हर खाली जगह (_____) भरिए।",
    "quiz_footer": 'अपने उत्तर क्रम से भेजिए (अक्षर या शब्द), जैसे "उत्तर: B, <शब्द>, A"।',
    "right": "सही: {answer}। सामग्री में लिखा है {said}।",
    "unanswered": "उत्तर नहीं दिया; सही उत्तर {answer} है। सामग्री में लिखा है {said}।",
    "wrong": "पूरी तरह नहीं: आपने {chosen} कहा, पर सही उत्तर {answer} है। सामग्री में लिखा है {said}।",
    "score": "{topic} पर {total} में से {correct} उत्तर सही।",
    "progress": "अब तक क्विज़: {taken}; अंक: {scores}।",
}


def say(key: str, hindi: bool, **values: object) -> str:
    return (_HINDI if hindi else _ENGLISH)[key].format(**values)
