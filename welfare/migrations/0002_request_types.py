"""The request types of SPEC §4, with service levels and guidance, so a fresh install has them.

Officers edit them afterwards in the admin; this migration never overwrites a type that exists.
"""

from django.db import migrations

HOTLINES_ZH = "职工维权服务热线 12351（全国总工会），劳动保障咨询 12333，公共法律服务（法律援助）12348。"
HOTLINES_EN = (
    "Workers' rights hotline 12351 (All-China Federation of Trade Unions), labour and social security advice "
    "12333, public legal services and legal aid 12348."
)

# code, category, name, name_en, days to first response, days to decision, guidance, guidance_en
TYPES = [
    (
        "hardship",
        "aid",
        "困难帮扶",
        "Hardship aid",
        3,
        15,
        "工会为生活遇到困难的会员提供困难帮扶慰问金，并可以帮你申请上级工会的困难职工帮扶和政府的社会救助。\n"
        "有帮助的材料：家庭收入情况说明、医疗费用票据、家庭成员的病情或残疾证明、其他说明困难的材料。\n"
        "没有齐全的材料也可以先提出，工会干事会告诉你还需要什么。",
        "The union grants hardship aid to members whose family is in difficulty, and can help you apply for the "
        "higher union's support for workers in hardship and for public assistance.\n"
        "Helpful documents: a statement of household income, medical bills, proof of illness or disability in the "
        "family, anything else that shows the difficulty.\n"
        "You can ask before you have every document; an officer will tell you what is still needed.",
    ),
    (
        "illness",
        "aid",
        "生病住院慰问",
        "Illness or hospital visit",
        2,
        7,
        "会员生病住院时，工会派人探望并送上慰问金。请写明医院、科室、住院时间和方便探望的时间。\n"
        "有帮助的材料：住院证明或诊断证明。\n"
        "重大疾病的医疗费用负担较重时，还可以另行申请困难帮扶。",
        "When a member is ill in hospital, the union visits and brings a gift of care. Tell us the hospital, the "
        "ward, since when you are there and when a visit suits you.\n"
        "Helpful documents: a hospital admission note or a diagnosis.\n"
        "If the costs of a serious illness weigh heavily, you can also ask for hardship aid.",
    ),
    (
        "bereavement",
        "aid",
        "丧葬慰问",
        "Bereavement",
        1,
        5,
        "会员本人或直系亲属（配偶、父母、子女）去世时，工会表示哀悼并送上慰问金；需要时工会干事可以上门慰问。\n"
        "有帮助的材料：死亡证明，以及与去世亲属关系的说明。",
        "When a member or a close relative (spouse, parent, child) dies, the union offers its condolences and a "
        "gift of care; an officer can visit the family if you wish.\n"
        "Helpful documents: the death certificate and a note of your relationship to the deceased.",
    ),
    (
        "childbirth",
        "aid",
        "生育慰问",
        "Childbirth",
        3,
        15,
        "会员生育子女时，工会送上慰问和祝贺。\n"
        "有帮助的材料：出生医学证明。\n"
        "女职工依法享有产假、哺乳时间等特殊保护（《女职工劳动保护特别规定》）；单位不落实的，可以选择“劳动合同与解除”请工会帮助。",
        "When a member has a child, the union sends its congratulations and a gift.\n"
        "Helpful documents: the birth certificate.\n"
        "Women workers have the right to maternity leave and nursing time (Special Rules on the Labour Protection "
        "of Female Employees); if your employer does not grant them, ask the union for help under “Contract and "
        "dismissal”.",
    ),
    (
        "marriage",
        "aid",
        "结婚慰问",
        "Marriage",
        3,
        15,
        "会员登记结婚时，工会送上祝福和贺礼。\n有帮助的材料：结婚证。婚假按国家和本省的规定享有。",
        "When a member marries, the union sends its good wishes and a gift.\n"
        "Helpful documents: the marriage certificate. Marriage leave follows national and provincial rules.",
    ),
    (
        "education",
        "aid",
        "金秋助学",
        "Education aid (Golden Autumn)",
        5,
        30,
        "每年秋季，工会为困难职工家庭中考入大学（含高职）的子女提供金秋助学金。\n"
        "有帮助的材料：录取通知书、学费通知、家庭收入情况说明。\n"
        "一般在收到录取通知后提出，工会每年集中审核。",
        "Each autumn the union grants education aid to children of families in hardship who start university or "
        "vocational college.\n"
        "Helpful documents: the admission letter, the tuition notice, a statement of household income.\n"
        "Ask once the admission letter has arrived; the union reviews the requests together each year.",
    ),
    (
        "disaster",
        "aid",
        "灾害救助",
        "Disaster relief",
        1,
        7,
        "会员家庭因火灾、洪水、地震等灾害或意外事故遭受损失时，工会提供应急救助。请写明受灾情况和最急需的帮助。\n"
        "有帮助的材料：受灾现场照片、村（居）委会或有关部门的证明。\n"
        "情况紧急时请直接打电话给工会。",
        "When a member's family suffers losses from a fire, flood, earthquake or other disaster or accident, the "
        "union gives emergency relief. Tell us what happened and what help you need most.\n"
        "Helpful documents: photos of the damage, a certificate from the village or residents' committee or the "
        "authorities.\n"
        "In an emergency, call the union directly.",
    ),
    (
        "wage-arrears",
        "rights",
        "拖欠工资",
        "Wage arrears",
        2,
        15,
        "单位拖欠或克扣工资时，工会可以与单位协商，帮助你向劳动保障监察部门投诉或申请劳动争议仲裁。\n"
        "相关规定：《劳动法》第五十条、《劳动合同法》第三十条、《保障农民工工资支付条例》。\n"
        "请记下欠薪的月份和金额，保留工资条、考勤记录、劳动合同和聊天记录。申请仲裁的时效一般为一年，请尽早提出。\n"
        + HOTLINES_ZH,
        "If your employer pays wages late or holds back part of them, the union can negotiate with the employer and "
        "help you complain to the labour inspectorate or go to labour arbitration.\n"
        "Rules: Labour Law art. 50, Labour Contract Law art. 30, Regulations on Ensuring Payment of Wages to "
        "Migrant Workers.\n"
        "Note the months and amounts owed; keep pay slips, attendance records, your contract and messages. "
        "Arbitration must usually be asked for within one year, so do not wait.\n" + HOTLINES_EN,
    ),
    (
        "working-hours",
        "rights",
        "工时与休息休假",
        "Working hours and rest",
        3,
        20,
        "加班过多、加班不给加班费、不让休息或休年假时，工会可以与单位协商并帮你维权。\n"
        "相关规定：《劳动法》第三十六条、第四十一条、第四十四条（每日一般不超过八小时；延长工作时间一般每日不超过一小时，"
        "特殊原因每日不超过三小时、每月不超过三十六小时；加班应支付加班工资），《职工带薪年休假条例》。\n"
        "有帮助的材料：排班表、考勤或打卡记录、工资条。\n" + HOTLINES_ZH,
        "Too much overtime, overtime without overtime pay, no rest days or no annual leave: the union can negotiate "
        "with the employer and help you claim your rights.\n"
        "Rules: Labour Law arts. 36, 41 and 44 (normally at most eight hours a day; overtime normally at most one "
        "hour a day, three for special reasons, and 36 hours a month, always paid at overtime rates), Regulations "
        "on Paid Annual Leave.\n"
        "Helpful documents: rosters, clock-in records, pay slips.\n" + HOTLINES_EN,
    ),
    (
        "safety",
        "rights",
        "职业安全卫生",
        "Occupational safety",
        1,
        10,
        "工作场所有安全隐患、缺少防护用品，或发生了工伤、职业病，请尽快告诉工会。\n"
        "遇到直接危及人身安全的紧急情况，你有权停止作业或撤离（《安全生产法》）。工伤认定由单位在三十日内、"
        "或由本人及近亲属在一年内申请（《工伤保险条例》）。\n"
        "有帮助的材料：现场照片、诊断证明、事故经过说明。紧急情况请先拨打 120 或 119。\n" + HOTLINES_ZH,
        "Tell the union quickly about hazards at work, missing protective equipment, an injury at work or an "
        "occupational disease.\n"
        "In an emergency that directly threatens your safety you have the right to stop work and leave (Work "
        "Safety Law). A work injury must be reported for recognition by the employer within 30 days, or by you or "
        "your family within one year (Regulations on Work-Related Injury Insurance).\n"
        "Helpful documents: photos, a medical diagnosis, an account of what happened. In an emergency call 120 or "
        "119 first.\n" + HOTLINES_EN,
    ),
    (
        "contract-dismissal",
        "rights",
        "劳动合同与解除",
        "Contract and dismissal",
        2,
        15,
        "没有签订劳动合同、被违法解除或辞退、被调岗降薪、单位不缴社会保险：工会可以帮你了解自己的权利，与单位协商，"
        "申请劳动争议调解或仲裁。\n"
        "相关规定：《劳动合同法》第八十二条（未签书面合同的二倍工资）、第八十七条（违法解除的赔偿金），"
        "《劳动争议调解仲裁法》。\n"
        "有帮助的材料：劳动合同、解除通知、工资流水、社保缴费记录。仲裁时效一般为一年，请尽早提出。\n" + HOTLINES_ZH,
        "No written contract, an unlawful dismissal, a forced transfer or pay cut, no social insurance paid: the "
        "union can explain your rights, negotiate with the employer and help you go to mediation or arbitration.\n"
        "Rules: Labour Contract Law art. 82 (double pay without a written contract) and art. 87 (compensation for "
        "unlawful dismissal), Law on Mediation and Arbitration of Labour Disputes.\n"
        "Helpful documents: your contract, the dismissal notice, bank statements of your pay, social insurance "
        "records. Arbitration must usually be asked for within one year.\n" + HOTLINES_EN,
    ),
    (
        "discrimination",
        "rights",
        "歧视与骚扰",
        "Discrimination and harassment",
        1,
        15,
        "在招聘、工资、晋升中因性别、年龄、户籍、疾病等受到歧视，或在工作中遭受性骚扰、欺凌，工会会认真对待并为你保密。\n"
        "你可以把申请设为“保密”：只有福利干事、工会主席和负责的工会干事能看到。\n"
        "相关规定：《就业促进法》、《妇女权益保障法》、《女职工劳动保护特别规定》。\n"
        "有帮助的材料：聊天记录、邮件、证人，以及时间、地点的记录。有人身危险时请立即报警（110）。\n" + HOTLINES_ZH,
        "Discrimination in hiring, pay or promotion because of sex, age, household registration, illness or "
        "anything else, and sexual harassment or bullying at work: the union takes it seriously and keeps it "
        "confidential.\n"
        "You can mark your request “confidential”: then only the welfare officers, the chair and the officer "
        "handling it can see it.\n"
        "Rules: Employment Promotion Law, Law on the Protection of Women's Rights and Interests, Special Rules on "
        "the Labour Protection of Female Employees.\n"
        "Helpful: messages, e-mails, witnesses, notes of when and where. If you are in danger, call the police "
        "(110) now.\n" + HOTLINES_EN,
    ),
    (
        "other-rights",
        "rights",
        "其他权益问题",
        "Other rights at work",
        3,
        20,
        "其他与工作有关的权益问题，都可以告诉工会。"
        "请写明发生了什么、涉及哪些人，以及你希望工会怎样帮助。\n" + HOTLINES_ZH,
        "Any other problem with your rights at work: tell the union what happened, who is involved and how you "
        "would like the union to help.\n" + HOTLINES_EN,
    ),
]


def add_types(apps, schema_editor):
    RequestType = apps.get_model("welfare", "RequestType")
    for position, (code, category, name, name_en, first, decision, guidance, guidance_en) in enumerate(TYPES):
        RequestType.objects.get_or_create(
            code=code,
            defaults={
                "category": category,
                "name": name,
                "name_en": name_en,
                "days_to_first_response": first,
                "days_to_decision": decision,
                "guidance": guidance,
                "guidance_en": guidance_en,
                "position": position,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("welfare", "0001_initial")]

    operations = [migrations.RunPython(add_types, migrations.RunPython.noop)]
